package dev.awsoidc.runner;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The values this process has masked, so that our own output hides them too. The runner masks them in the
 * GitHub log once {@code ::add-mask::} is seen; other CI systems have no such thing, so everything we print
 * passes through {@link #redact} as well.
 */
public final class SecretMasker {
  public static final String MASK = "***";
  private final List<String> secrets = new CopyOnWriteArrayList<>();

  public void add(String secret) {
    if (secret == null || secret.isBlank() || secrets.contains(secret)) return;
    secrets.add(secret);
    // longest first, so a secret that contains another is replaced whole
    secrets.sort((a, b) -> Integer.compare(b.length(), a.length()));
  }

  public String redact(String text) {
    if (text == null || text.isEmpty()) return text;
    String result = text;
    for (String secret : secrets) {
      if (result.contains(secret)) result = result.replace(secret, MASK);
    }
    return result;
  }
}
