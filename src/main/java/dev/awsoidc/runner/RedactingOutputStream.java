package dev.awsoidc.runner;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Redacts masked secrets line by line before bytes reach the real stream. Installed as {@code System.err}, so
 * that library logging (SLF4J, the AWS SDK) cannot print a secret even by accident.
 */
public final class RedactingOutputStream extends FilterOutputStream {
  private static final int MAX_HELD_BYTES = 64 * 1024;
  private final SecretMasker masker;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

  public RedactingOutputStream(OutputStream out, SecretMasker masker) {
    super(out);
    this.masker = masker;
  }

  @Override
  public synchronized void write(int b) throws IOException {
    line.write(b);
    if (b == '\n') emitLine();
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) write(b[i]);
  }

  /**
   * {@code PrintStream} flushes after every print, even mid-line; a partial line is held back so that a secret
   * split across two prints is still seen whole. Only a very long line is let through unfinished.
   */
  @Override
  public synchronized void flush() throws IOException {
    if (line.size() > MAX_HELD_BYTES) emitLine();
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    emitLine();
    super.close();
  }

  private void emitLine() throws IOException {
    if (line.size() == 0) return;
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    out.write(masker.redact(text).getBytes(StandardCharsets.UTF_8));
  }
}
