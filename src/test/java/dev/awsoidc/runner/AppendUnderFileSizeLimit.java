package dev.awsoidc.runner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * Run by {@link KeyValueFileFaultsTest} in a child JVM under {@code ulimit -f}: appends credentials-shaped
 * pairs to the file named by the argument and prints "appended" or the exception's message.
 */
public final class AppendUnderFileSizeLimit {
  private AppendUnderFileSizeLimit() {}

  public static void main(String[] args) {
    KeyValueFile file = new KeyValueFile(Path.of(args[0]));
    try {
      file.append(file.format(KeyValueFileFaultsTest.credentials()));
      System.out.println("appended");
    } catch (IOException e) {
      System.out.println(e.getMessage());
      System.exit(3);
    }
  }
}
