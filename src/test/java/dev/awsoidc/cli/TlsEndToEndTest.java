package dev.awsoidc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsoidc.testing.LocalAws;
import dev.awsoidc.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both endpoints over https, as in production: the JDK's certificate checks stay on. */
class TlsEndToEndTest {
  @TempDir Path dir;
  @TempDir Path certificates;

  @Test
  void succeedsWhenTheTestCaIsTrustedAndFailsWhenItIsNot() throws Exception {
    TestCertificates tls = TestCertificates.create(certificates);
    try (LocalAws aws = new LocalAws(0, 0, tls, null)) {
      assertTrue(aws.oidc().tokenEndpointUrl().startsWith("https://"));
      assertTrue(aws.sts().endpointUrl().startsWith("https://"));
      ActionRun.Result trusted = action(aws).trusting(tls).run();
      assertEquals(0, trusted.exitCode(), trusted.describe());
      assertEquals(aws.sts().sessions().getFirst().accessKeyId(), trusted.exportedEnv().get("AWS_ACCESS_KEY_ID"));

      ActionRun.Result untrusted = action(aws).run();
      assertEquals(1, untrusted.exitCode(), untrusted.describe());
      assertEquals("", untrusted.envFile());
      assertTrue(untrusted.errorLines().getFirst().contains("OIDC token endpoint not trusted"), untrusted.describe());
      assertTrue(untrusted.errorLines().getFirst().contains("SSLHandshakeException")
          || untrusted.errorLines().getFirst().contains("PKIX"), untrusted.describe());
      assertEquals(1, aws.oidc().servedTokens().size(), "an untrusted endpoint is not retried");
    }
  }

  /**
   * The first handshake to each server offers only X25519 (it saves ~50 ms of P-256 key-share set-up); servers
   * without it refuse that handshake, and the next one, which offers every group, must then succeed.
   */
  @Test
  void serversWithoutX25519AreReachedOnTheNextHandshake() throws Exception {
    TestCertificates tls = TestCertificates.create(certificates).withServerGroups("secp256r1", "secp384r1");
    try (LocalAws aws = new LocalAws(0, 0, tls, null)) {
      ActionRun.Result run = action(aws).trusting(tls).run();
      assertEquals(0, run.exitCode(), run.describe());
      assertEquals(aws.sts().sessions().getFirst().accessKeyId(), run.exportedEnv().get("AWS_ACCESS_KEY_ID"));
      assertEquals(1, aws.oidc().servedTokens().size(), run.describe());
      assertEquals(1, aws.sts().sessions().size(), run.describe());
    }
  }

  /**
   * The trust store (~100 ms of CPU in a fresh JVM) is loaded only by a run that reaches an endpoint over https:
   * not by a run whose endpoints are both plain HTTP (a local emulator), and not by the post step. The JVM's own
   * class-loading log tells: the JDK's trust-store reader is loaded, or it is not.
   */
  @Test
  void theTrustStoreIsLoadedOnlyWhenAnEndpointIsHttps() throws Exception {
    TestCertificates tls = TestCertificates.create(certificates);
    try (LocalAws https = new LocalAws(0, 0, tls, null); LocalAws http = new LocalAws(0, 0, null, null)) {
      assertTrue(loadsTheTrustStore(action(https).trusting(tls), "https", 0));
      assertFalse(loadsTheTrustStore(action(http), "http", 0));
      assertFalse(loadsTheTrustStore(action(https).trusting(tls)
          .env(Map.of("STATE_isPost", "true", "STATE_cleanup", "AWS_ACCESS_KEY_ID")), "post", 0));
      // a job without id-token: write fails before any request
      assertFalse(loadsTheTrustStore(action(https).trusting(tls).env(Map.of("ACTIONS_ID_TOKEN_REQUEST_URL", "",
          "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "")), "no-id-token", 1));
    }
  }

  private boolean loadsTheTrustStore(ActionRun action, String name, int exitCode) throws Exception {
    Path log = dir.resolve("classes-" + name + ".log");
    ActionRun.Result run = action.jvmOption("-Xlog:class+load=info:file=" + log).run();
    assertEquals(exitCode, run.exitCode(), run.describe());
    return Files.readAllLines(log).stream().anyMatch(line -> line.contains(" sun.security.ssl.TrustStoreManager "));
  }

  private ActionRun action(LocalAws aws) throws java.io.IOException {
    return ActionRun.against(dir, aws, "eu-west-1");
  }
}
