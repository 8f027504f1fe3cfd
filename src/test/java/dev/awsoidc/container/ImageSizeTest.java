package dev.awsoidc.container;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.DockerClientFactory;

/**
 * What a job pulls before the action's first instruction: the image ({@link ActionImage}, the one the container
 * tests run) as {@code docker save IMAGE | gzip -c | wc -c} measures it, gzip level 6 as here, and unpacked.
 * The budget is the README's (section Performance); docs/performance.md says what the bytes are.
 */
@ExtendWith(ActionImage.class)
class ImageSizeTest {
  static final long COMPRESSED_BUDGET_BYTES = 45_000_000;
  static final long UNPACKED_BUDGET_BYTES = 100_000_000;
  private static String image;

  @BeforeAll
  static void useImage(ActionImage.Built built) {
    image = built.name();
  }

  @Test
  void imageStaysWithinItsSizeBudget() throws IOException {
    DockerClient docker = DockerClientFactory.instance().client();
    long unpacked = docker.inspectImageCmd(image).exec().getSize();
    var counted = new ByteCount();
    try (InputStream tar = docker.saveImageCmd(image).exec();
        var gzip = new GZIPOutputStream(counted, 1 << 16)) {
      tar.transferTo(gzip);
    }
    String sizes = String.format(Locale.ROOT, "image: %.1f MB compressed, %.1f MB unpacked", counted.bytes / 1e6,
        unpacked / 1e6);
    System.out.println(sizes);
    assertTrue(counted.bytes > 1_000_000, sizes + ": too small to be the image's saved layers");
    assertTrue(counted.bytes <= COMPRESSED_BUDGET_BYTES, sizes + "; budget " + COMPRESSED_BUDGET_BYTES / 1e6 + " MB");
    assertTrue(unpacked <= UNPACKED_BUDGET_BYTES, sizes + "; budget " + UNPACKED_BUDGET_BYTES / 1e6 + " MB");
  }

  /** Counts what is written, keeps nothing. */
  private static final class ByteCount extends OutputStream {
    long bytes;

    @Override
    public void write(int b) {
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes += len;
    }
  }
}
