package dev.awsoidc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsoidc.testing.HttpProxyServer;
import dev.awsoidc.testing.LocalAws;
import dev.awsoidc.testing.RecordedRequest;
import dev.awsoidc.testing.TestCertificates;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A self-hosted runner behind a proxy: both requests go through a real HTTP proxy on 127.0.0.1 (CONNECT tunnels
 * for https, forwarding for plain http), chosen by the variables the runner passes on or by the inputs.
 */
class ProxyEndToEndTest {
  private static final String PASSWORD = "pr0xy-s3cret";
  @TempDir Path dir;
  @TempDir Path certificates;

  @Test
  void httpsProxyTunnelsBothRequestsOverTls() throws Exception {
    TestCertificates tls = TestCertificates.create(certificates);
    try (LocalAws aws = new LocalAws(0, 0, tls, null); HttpProxyServer proxy = HttpProxyServer.open()) {
      ActionRun.Result run = action(aws).trusting(tls).env(Map.of("HTTPS_PROXY", proxy.url())).run();

      assertEquals(0, run.exitCode(), run.describe());
      assertEquals(aws.sts().sessions().getFirst().accessKeyId(), run.exportedEnv().get("AWS_ACCESS_KEY_ID"));
      assertEquals(List.of("CONNECT " + authority(aws.oidc().tokenEndpointUrl()),
              "CONNECT " + authority(aws.sts().endpointUrl())),
          proxy.seen().stream().map(seen -> seen.method() + " " + seen.target()).toList(), run.describe());
    }
  }

  @Test
  void theProxyLoginGoesToTheProxyOnlyAndIsMasked() throws Exception {
    TestCertificates tls = TestCertificates.create(certificates);
    try (LocalAws aws = new LocalAws(0, 0, tls, null);
         HttpProxyServer proxy = HttpProxyServer.requiringLogin("ci", PASSWORD)) {
      ActionRun.Result run = action(aws).trusting(tls)
          .input("http-proxy", "http://ci:" + PASSWORD + "@127.0.0.1:" + proxy.port())
          .run();

      assertEquals(0, run.exitCode(), run.describe());
      List<String> tunnelled = proxy.seen().stream()
          .filter(seen -> seen.proxyAuthorization().isPresent()).map(HttpProxyServer.Seen::target).toList();
      assertEquals(List.of(authority(aws.oidc().tokenEndpointUrl()), authority(aws.sts().endpointUrl())),
          tunnelled.stream().distinct().toList(), run.describe());
      assertNoProxyHeaderReached(aws);
      assertTrue(run.stdout().contains("::add-mask::" + PASSWORD), "the password is masked first");
      assertEquals(1, run.stdout().split(PASSWORD, -1).length - 1, "and printed nowhere else: " + run.describe());
      assertFalse(run.stderr().contains(PASSWORD), run.describe());
    }
  }

  @Test
  void aWrongProxyPasswordFailsWithTheFixAndExportsNothing() throws Exception {
    TestCertificates tls = TestCertificates.create(certificates);
    try (LocalAws aws = new LocalAws(0, 0, tls, null);
         HttpProxyServer proxy = HttpProxyServer.requiringLogin("ci", PASSWORD)) {
      ActionRun.Result run = action(aws).trusting(tls)
          .env(Map.of("HTTPS_PROXY", "http://ci:wrong-" + PASSWORD + "@127.0.0.1:" + proxy.port()))
          .run();

      assertEquals(1, run.exitCode(), run.describe());
      assertEquals("", run.envFile());
      String error = run.errorLines().getFirst();
      assertTrue(error.contains("The proxy wants a user and password"), error);
      assertTrue(error.contains("http://***@127.0.0.1:" + proxy.port() + " (from variable HTTPS_PROXY)"), error);
      assertFalse(run.stdout().replace("::add-mask::wrong-" + PASSWORD, "").contains(PASSWORD), run.describe());
      assertTrue(aws.oidc().servedTokens().isEmpty());
      assertEquals(1, proxy.seen().stream().filter(seen -> seen.proxyAuthorization().isPresent()).count(),
          "a refused login is not retried: " + proxy.seen());
    }
  }

  @Test
  void plainHttpEndpointsAreForwardedThroughHttpProxy() throws Exception {
    try (LocalAws aws = new LocalAws(0, 0, null, null); HttpProxyServer proxy = HttpProxyServer.open()) {
      ActionRun.Result run = action(aws).env(Map.of("HTTP_PROXY", proxy.url())).run();

      assertEquals(0, run.exitCode(), run.describe());
      assertEquals(List.of("GET", "POST"), proxy.seen().stream().map(HttpProxyServer.Seen::method).toList(),
          run.describe());
      assertTrue(proxy.seen().get(0).target().startsWith(aws.oidc().tokenEndpointUrl().split("\\?")[0]));
      assertTrue(proxy.seen().get(1).target().startsWith(aws.sts().endpointUrl()));
    }
  }

  @Test
  void hostsInNoProxyGoDirect() throws Exception {
    TestCertificates tls = TestCertificates.create(certificates);
    try (LocalAws aws = new LocalAws(0, 0, tls, null); HttpProxyServer proxy = HttpProxyServer.open()) {
      ActionRun.Result byVariable = action(aws).trusting(tls)
          .env(Map.of("HTTPS_PROXY", proxy.url(), "NO_PROXY", "localhost,127.0.0.1")).run();
      ActionRun.Result byInput = action(aws).trusting(tls)
          .env(Map.of("HTTPS_PROXY", proxy.url())).input("no-proxy", "*").run();

      assertEquals(0, byVariable.exitCode(), byVariable.describe());
      assertEquals(0, byInput.exitCode(), byInput.describe());
      assertEquals(List.of(), proxy.seen());
    }
  }

  @Test
  void anUnreachableProxyIsNamedInTheError() throws Exception {
    TestCertificates tls = TestCertificates.create(certificates);
    try (LocalAws aws = new LocalAws(0, 0, tls, null)) {
      ActionRun.Result run = action(aws).trusting(tls)
          .env(Map.of("HTTPS_PROXY", "http://127.0.0.1:9")).input("retry-max-attempts", "1").run();

      assertEquals(1, run.exitCode(), run.describe());
      assertEquals("", run.envFile());
      String error = run.errorLines().getFirst();
      assertTrue(error.contains("through the proxy http://127.0.0.1:9 (from variable HTTPS_PROXY)"), error);
    }
  }

  private static void assertNoProxyHeaderReached(LocalAws aws) {
    Stream.concat(aws.oidc().requests().stream(), aws.sts().requests().stream())
        .map(RecordedRequest::headers)
        .forEach(headers -> assertEquals(Optional.empty(),
            Optional.ofNullable(headers.get("Proxy-Authorization")), headers.toString()));
  }

  private static String authority(String url) {
    URI uri = URI.create(url);
    return uri.getHost() + ":" + uri.getPort();
  }

  private ActionRun action(LocalAws aws) throws java.io.IOException {
    return ActionRun.against(dir, aws, "eu-west-1");
  }
}
