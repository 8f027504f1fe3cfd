package dev.awsoidc.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.awsoidc.sts.AwsCredentials;
import dev.awsoidc.sts.AwsSession;
import dev.awsoidc.testing.LocalAws;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * Each output format read back by its real consumer: the env lines by bash and dash ({@code eval "$(...)"}) and
 * then the AWS CLI, the credential_process JSON by the AWS CLI through a profile. The CLI calls GetCallerIdentity
 * on the STS emulator, which checks the SigV4 signature and the session token, so every field must have arrived.
 */
class OutputFormatsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Every character class a shell treats specially, and some it does not. */
  private static final String HOSTILE = "a'b\"c$(touch PWNED)`touch PWNED2`${HOME}$HOME\\n\\\n\t;&|<>*?~#!{}[] é€😀'";

  private static LocalAws aws;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    aws = new LocalAws(0, 0, null, null);
  }

  @AfterAll
  static void stop() {
    aws.close();
  }

  /** Real temporary credentials, issued by the emulator for the usual role. */
  private static AwsSession issuedSession() {
    try (StsClient sts = StsClient.builder().region(Region.US_EAST_1)
        .endpointOverride(URI.create(aws.sts().endpointUrl()))
        .credentialsProvider(AnonymousCredentialsProvider.create())
        .httpClient(UrlConnectionHttpClient.create()).build()) {
      var response = sts.assumeRoleWithWebIdentity(b -> b.roleArn(LocalAws.ROLE_ARN).roleSessionName("cli-test")
          .webIdentityToken(aws.oidc().issueToken(LocalAws.AUDIENCE)));
      Credentials c = response.credentials();
      return new AwsSession(AwsCredentials.temporary(c.accessKeyId(), c.secretAccessKey(), c.sessionToken(),
          c.expiration()), response.assumedRoleUser().arn(), Optional.ofNullable(response.subjectFromWebIdentityToken()));
    }
  }

  private static AwsSession hostileSession() {
    return new AwsSession(AwsCredentials.temporary("AKID" + HOSTILE, "secret" + HOSTILE, "token" + HOSTILE,
        Instant.parse("2030-01-02T03:04:05Z")), "arn:aws:sts::111122223333:assumed-role/deploy/s", Optional.empty());
  }

  record Result(int exit, String out, String err) {}

  /** Runs a command with a clean environment: PATH, HOME = the test directory, and {@code env}. */
  private Result exec(Map<String, String> env, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv("PATH"));
    builder.environment().put("HOME", dir.toString());
    builder.environment().putAll(env);
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process process = builder.start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "timed out: " + String.join(" ", command));
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  // ---- env ----

  @Test
  void envLinesEvaluateToExactlyTheValuesInBashAndDash() throws Exception {
    AwsSession session = hostileSession();
    String region = "eu-west-1" + HOSTILE;
    Path lines = dir.resolve("lines");
    Files.writeString(lines, EnvFormat.format(session, region));
    for (String shell : List.of("bash", "sh")) {
      Result result = exec(Map.of(), shell, "-c", "eval \"$(cat lines)\" && printf '%s\\0' \"$AWS_ACCESS_KEY_ID\" "
          + "\"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\" \"$AWS_REGION\" \"$AWS_DEFAULT_REGION\" && "
          + "env | grep -c '^AWS_'");
      assertEquals(0, result.exit(), shell + ": " + result.err());
      String[] parts = result.out().split("\0", -1);
      assertEquals(List.of(session.credentials().accessKeyId(), session.credentials().secretAccessKey(),
          session.credentials().sessionToken().orElseThrow(), region, region, "5\n"), List.of(parts), shell);
      assertFalse(Files.exists(dir.resolve("PWNED")) || Files.exists(dir.resolve("PWNED2")), "a value was run");
    }
  }

  @Test
  void envLinesLeaveOutWhatIsAbsent() {
    AwsSession keys = new AwsSession(new AwsCredentials("AKIAEXAMPLE", "s3cret", Optional.empty(), Optional.empty()),
        "arn:aws:iam::111122223333:user/ci", Optional.empty());
    assertEquals("export AWS_ACCESS_KEY_ID='AKIAEXAMPLE'\nexport AWS_SECRET_ACCESS_KEY='s3cret'\n"
        + "unset AWS_SESSION_TOKEN\n",
        EnvFormat.format(keys, null));
    assertThrows(IllegalArgumentException.class, () -> EnvFormat.format(keys, "us-east-1\0x"));
  }

  @Test
  void envLinesThenTheAwsCliCallsStsAsTheAssumedRole() throws Exception {
    AwsSession session = issuedSession();
    Files.writeString(dir.resolve("lines"), EnvFormat.format(session, "us-east-1"));
    Result result = exec(Map.of(), "bash", "-c", "eval \"$(cat lines)\" && aws sts get-caller-identity "
        + "--endpoint-url " + aws.sts().endpointUrl() + " --output json");
    assertEquals(0, result.exit(), result.err());
    assertEquals(session.arn(), JSON.readTree(result.out()).get("Arn").asText());
  }

  // ---- credential_process ----

  private Result awsWithProcessProfile(String json) throws Exception {
    Path output = dir.resolve("credentials.json");
    Files.writeString(output, json);
    Path config = dir.resolve("config");
    Files.writeString(config, "[profile p]\ncredential_process = cat " + output + "\nregion = us-east-1\n");
    return exec(Map.of("AWS_CONFIG_FILE", config.toString(),
            "AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString()),
        "aws", "sts", "get-caller-identity", "--profile", "p", "--endpoint-url", aws.sts().endpointUrl(),
        "--output", "json");
  }

  @Test
  void credentialProcessJsonIsReadByTheAwsCli() throws Exception {
    AwsSession session = issuedSession();
    String json = CredentialProcessFormat.format(session);
    JsonNode fields = JSON.readTree(json);
    assertEquals(List.of("Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"),
        names(fields));
    assertEquals(1, fields.get("Version").asInt());
    assertEquals(session.credentials().expiration().orElseThrow(), Instant.parse(fields.get("Expiration").asText()));

    Result result = awsWithProcessProfile(json);
    assertEquals(0, result.exit(), result.err());
    assertEquals(session.arn(), JSON.readTree(result.out()).get("Arn").asText());
  }

  @Test
  void theAwsCliReadsTheExpiration() throws Exception {
    // the same valid credentials, but declared expired: the CLI runs the process again, then gives up
    AwsSession session = issuedSession();
    AwsCredentials c = session.credentials();
    AwsSession expired = new AwsSession(AwsCredentials.temporary(c.accessKeyId(), c.secretAccessKey(),
        c.sessionToken().orElseThrow(), Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)),
        session.arn(), Optional.empty());
    Result result = awsWithProcessProfile(CredentialProcessFormat.format(expired));
    assertEquals(255, result.exit(), result.out() + result.err());
    assertTrue(result.err().contains("expired"), result.err());
  }

  @Test
  void credentialProcessWithLongTermKeysHasNoTokenNorExpiration() throws Exception {
    AwsSession keys = new AwsSession(new AwsCredentials("AKIAEXAMPLE", "s3cret", Optional.empty(), Optional.empty()),
        "arn:aws:iam::111122223333:user/ci", Optional.empty());
    assertEquals(List.of("Version", "AccessKeyId", "SecretAccessKey"),
        names(JSON.readTree(CredentialProcessFormat.format(keys))));
  }

  @Test
  void credentialProcessEscapesEveryValue() throws Exception {
    AwsSession session = hostileSession();
    JsonNode fields = JSON.readTree(CredentialProcessFormat.format(session));
    assertEquals(session.credentials().secretAccessKey(), fields.get("SecretAccessKey").asText());
    assertEquals(session.credentials().sessionToken().orElseThrow(), fields.get("SessionToken").asText());
    assertEquals("2030-01-02T03:04:05Z", fields.get("Expiration").asText());
  }

  // ---- json ----

  @Test
  void jsonAddsArnAccountAndRegion() throws Exception {
    AwsSession session = issuedSession();
    JsonNode fields = JSON.readTree(JsonFormat.format(session, "eu-west-1"));
    assertEquals(List.of("Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", "Arn",
        "AccountId", "Region"), names(fields));
    assertEquals(session.arn(), fields.get("Arn").asText());
    assertEquals("111122223333", fields.get("AccountId").asText());
    assertEquals("eu-west-1", fields.get("Region").asText());
    assertEquals(session.credentials().accessKeyId(), fields.get("AccessKeyId").asText());
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
