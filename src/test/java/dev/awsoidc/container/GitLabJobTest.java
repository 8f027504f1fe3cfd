package dev.awsoidc.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.awsoidc.cli.Cli;
import dev.awsoidc.testing.OidcIssuer;
import dev.awsoidc.testing.StsEmulator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.utility.DockerImageName;

/**
 * examples/gitlab/.gitlab-ci.yml and the component templates/aws-oidc-credentials.yml, run the way GitLab's Docker
 * executor runs a job: by gitlab-ci-local (shared/container-engine/GITLAB-CI-LOCAL.md), which starts the job's
 * image with the YAML's entrypoint override and feeds each script line to the image's shell. Where gitlab-ci-local
 * is not installed (or -DgitlabCiLocal=none), the example's jobs run by the same contract by hand: the job's image,
 * entrypoint replaced by {@code sh -c}, the YAML's variables, the script lines under {@code set -e}; the component
 * test, which needs GitLab's include and inputs, is then skipped. The images are built from the Dockerfile's
 * {@code gitlab} stage and examples/gitlab/Dockerfile and tagged with the names the YAML uses (nothing is
 * pulled). The job's ID token is GitLab-shaped, from a local issuer, passed as the {@code id_tokens} variable;
 * STS is the emulator on 127.0.0.1 (host network), which checks the token against the trust policy
 * {@code trust-policy} prints and the signature of every call made with the credentials.
 * Skipped with -DskipContainerTests=true or without a container engine.
 */
class GitLabJobTest {
  private static final Path EXAMPLE = Path.of("examples/gitlab/.gitlab-ci.yml");
  private static final Path AWS_CLI_DOCKERFILE = Path.of("examples/gitlab/Dockerfile");
  private static final Path COMPONENT = Path.of("templates/aws-oidc-credentials.yml");
  private static final Path GITLAB_CI_LOCAL = Path.of(System.getProperty("gitlabCiLocal",
      System.getProperty("user.home") + "/.gitlab-ci-local/node_modules/.bin/gitlab-ci-local"));
  private static final boolean HAVE_GITLAB_CI_LOCAL = Files.isExecutable(GITLAB_CI_LOCAL);
  private static final String ROLE = "arn:aws:iam::111122223333:role/gitlab-deploy"; // the example's ROLE_ARN
  private static final List<String> built = new ArrayList<>();
  private static String variantImage;
  private static String awsCliImage;

  @TempDir Path project;
  private final StsEmulator sts = StsEmulator.start();
  private final OidcIssuer gitlab = OidcIssuer.gitlab();

  @BeforeAll
  static void buildImages() throws IOException {
    assumeFalse(Boolean.getBoolean("skipContainerTests"), "skipContainerTests=true");
    assumeTrue(DockerClientFactory.instance().isDockerAvailable(), "no container engine reachable");
    JsonNode example = new ObjectMapper(new YAMLFactory()).readTree(EXAMPLE.toFile());
    variantImage = example.path("caller-identity").path("image").path("name").asText();
    awsCliImage = example.path("aws-cli-credential-process").path("image").path("name").asText();
    assertTrue(Files.readString(AWS_CLI_DOCKERFILE).contains("COPY --from=" + variantImage + " "),
        "examples/gitlab/Dockerfile copies the tool from the image the example names");
    assertTrue(Files.readString(COMPONENT).contains("default: " + variantImage + "\n"),
        "the component's default image is the one the example names");
    // The build stage's layers are the engine's cache shared with ContainerTest: only the gitlab stage is new.
    // false: not deleted on JVM exit by Testcontainers (Ryuk is off); removed in @AfterAll instead.
    new ImageFromDockerfile(variantImage, false).withDockerfile(Path.of("Dockerfile").toAbsolutePath())
        .withTarget("gitlab").get();
    built.add(variantImage);
    System.out.println("GitLabJobTest: jobs run by " + (HAVE_GITLAB_CI_LOCAL ? GITLAB_CI_LOCAL
        : "sh -c in the job's image (no gitlab-ci-local at " + GITLAB_CI_LOCAL + ")"));
  }

  @AfterAll
  static void removeImages() {
    for (String image : built) {
      DockerClientFactory.instance().client().removeImageCmd(image).withForce(true).exec();
    }
  }

  @AfterEach
  void stop() {
    gitlab.close();
    sts.close();
  }

  /** The role trusts what `trust-policy` prints for the project's main branch; STS knows the issuer's key. */
  private void trustMainOfMyProject() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = Cli.run(new String[] {"trust-policy", "--output", "policy", "--account-id", sts.accountId(),
            "--gitlab-project", "my-group/my-project", "--branch", "main"}, Map.of(),
        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertEquals(0, exit);
    sts.registerProvider(gitlab, "https://gitlab.com");
    sts.registerRole(ROLE, out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theExampleJobEvalsTheCredentialsAndCurlSignsACallWithThem() throws Exception {
    trustMainOfMyProject();
    String token = gitlab.issueToken("https://gitlab.com");
    JobRun run = runJob(EXAMPLE, "caller-identity", token);

    assertEquals(0, run.exitCode(), run.output());
    assertEquals(1, sts.sessions().size(), run.output());
    StsEmulator.Session session = sts.sessions().getFirst();
    assertEquals(ROLE, session.roleArn());
    assertEquals(StsEmulator.CallerKind.WEB_IDENTITY, session.callerKind());
    assertTrue(session.sessionName().matches("gitlab-\\d+-\\d+"), session.sessionName());
    // curl's SigV4 call verified with the session's secret: the exported credentials work
    assertTrue(sts.signedRequests().stream().anyMatch(r -> r.action().equals("GetCallerIdentity")
        && r.accessKeyId().equals(session.accessKeyId()) && r.service().equals("sts")
        && r.region().equals("eu-west-1")), () -> sts.signedRequests() + "\n" + run.output());
    assertTrue(run.output().contains("caller: " + session.assumedRoleArn()), run.output());
    assertNoSecret(run, token, session);
  }

  @Test
  void aTokenFromAnotherBranchStopsTheJobAtTheAssumeLine() throws Exception {
    trustMainOfMyProject();
    String feature = gitlab.newToken().audience("https://gitlab.com")
        .subject("project_path:my-group/my-project:ref_type:branch:ref:feature").signed();
    JobRun run = runJob(EXAMPLE, "caller-identity", feature);

    assertNotEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("error: Role trust policy does not allow this job"), run.output());
    assertTrue(sts.sessions().isEmpty());
    assertFalse(run.output().contains("$ eval"), "the job stops at the assume line:\n" + run.output());
    assertTrue(sts.signedRequests().isEmpty(), "no call made without credentials");
    assertFalse(run.output().contains(feature));
  }

  @Test
  void theAwsCliJobGetsCredentialsThroughCredentialProcess() throws Exception {
    // the job's own image: the AWS CLI from Debian, the tool copied in from the variant
    new ImageFromDockerfile(awsCliImage, false).withDockerfile(AWS_CLI_DOCKERFILE.toAbsolutePath()).get();
    built.add(awsCliImage);
    trustMainOfMyProject();
    String token = gitlab.issueToken("https://gitlab.com");
    JobRun run = runJob(EXAMPLE, "aws-cli-credential-process", token);

    assertEquals(0, run.exitCode(), run.output());
    StsEmulator.Session session = sts.sessions().getFirst();
    assertTrue(sts.signedRequests().stream().anyMatch(r -> r.action().equals("GetCallerIdentity")
        && r.accessKeyId().equals(session.accessKeyId())), () -> sts.signedRequests() + "\n" + run.output());
    assertTrue(run.output().lines().anyMatch(l -> l.strip().endsWith(" " + session.assumedRoleArn())
        || l.strip().equals(session.assumedRoleArn())), run.output());
    assertNoSecret(run, token, session);
  }

  @Test
  void aJobThatExtendsTheComponentsHiddenJobHasCredentials() throws Exception {
    assumeTrue(HAVE_GITLAB_CI_LOCAL, "include: and spec:inputs need gitlab-ci-local");
    trustMainOfMyProject();
    // the component included as GitLab includes it, with inputs; image and audience keep their defaults
    Path pipeline = project.resolve("consumer.yml");
    Files.writeString(pipeline, """
        include:
          - local: templates/aws-oidc-credentials.yml
            inputs:
              role_arn: %s
              aws_region: eu-central-1
              duration: 900
        deploy:
          extends: .aws-oidc-credentials
          script:
            - echo "region $AWS_REGION"
            - >-
              printf 'user = "%%s:%%s"\\nheader = "x-amz-security-token: %%s"\\n'
              "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN"
              | curl -sSf --config - --aws-sigv4 "aws:amz:$AWS_REGION:sts"
              --data Action=GetCallerIdentity --data Version=2011-06-15 "$AWS_ENDPOINT_URL_STS/" > /dev/null
        """.formatted(ROLE));
    String token = gitlab.issueToken("https://gitlab.com");
    Instant before = Instant.now();
    JobRun run = runJob(pipeline, "deploy", token);

    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("region eu-central-1"), run.output());
    StsEmulator.Session session = sts.sessions().getFirst();
    assertEquals(ROLE, session.roleArn());
    assertTrue(session.sessionName().matches("gitlab-\\d+-\\d+"), session.sessionName());
    Duration lifetime = Duration.between(before, session.expiration());
    assertTrue(lifetime.compareTo(Duration.ofMinutes(14)) > 0 && lifetime.compareTo(Duration.ofMinutes(16)) < 0,
        "duration input: " + lifetime);
    assertTrue(sts.signedRequests().stream().anyMatch(r -> r.accessKeyId().equals(session.accessKeyId())
        && r.region().equals("eu-central-1")), () -> sts.signedRequests() + "\n" + run.output());
    assertNoSecret(run, token, session);
  }

  @Test
  void theLauncherRunsWithTheAotCache() {
    // The cache only matches the flags it was made with: with other flags the JVM warns or ignores it, and the
    // app's classes come from the jar instead of "shared objects file".
    try (GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(variantImage))) {
      container.withImagePullPolicy(name -> false)
          .withEnv("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info")
          .withCommand("sh", "-c", "aws-oidc-credentials --version")
          .withStartupCheckStrategy(new RunToCompletion().withTimeout(Duration.ofSeconds(60)));
      container.start();
      String log = container.getLogs();
      assertEquals(0L, container.getDockerClient().inspectContainerCmd(container.getContainerId()).exec()
          .getState().getExitCodeLong(), log);
      assertTrue(log.contains("dev.awsoidc.cli.Main source: shared objects file"), log);
      assertTrue(log.lines().noneMatch(l -> l.contains("[warning]") || l.contains("[error]")), log);
      assertTrue(log.lines().anyMatch(l -> l.startsWith("aws-oidc-credentials ")), log);
    }
  }

  private static void assertNoSecret(JobRun run, String token, StsEmulator.Session session) {
    for (String secret : List.of(token, session.accessKeyId(), session.secretAccessKey(), session.sessionToken())) {
      assertFalse(run.output().contains(secret), "a secret in the job log:\n" + run.output());
    }
  }

  record JobRun(int exitCode, String output, Duration took) {}

  /**
   * One job of {@code pipeline}, as .gitlab-ci.yml of a fresh git repository holding also the component (the
   * tool copies committed files into the job), through gitlab-ci-local; the ID token as the id_tokens variable.
   */
  private JobRun runJob(Path pipeline, String job, String token) throws Exception {
    return HAVE_GITLAB_CI_LOCAL ? runWithGitlabCiLocal(pipeline, job, token) : runInJobImage(pipeline, job, token);
  }

  private JobRun runWithGitlabCiLocal(Path pipeline, String job, String token) throws Exception {
    Path repo = Files.createDirectories(project.resolve("repo"));
    Files.copy(pipeline, repo.resolve(".gitlab-ci.yml"));
    Files.createDirectories(repo.resolve("templates"));
    Files.copy(COMPONENT, repo.resolve("templates/aws-oidc-credentials.yml"));
    run(repo, List.of("git", "init", "-q", "-b", "main"));
    run(repo, List.of("git", "add", "."));
    run(repo, List.of("git", "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-qm", "job"));

    List<String> command = List.of(GITLAB_CI_LOCAL.toString(), "--pull-policy", "never", "--network", "host",
        "--variable", "AWS_ID_TOKEN=" + token, "--variable", "AWS_ENDPOINT_URL_STS=" + sts.endpointUrl(), job);
    long start = System.nanoTime();
    Process process = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(180, TimeUnit.SECONDS), "gitlab-ci-local did not finish");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    // the job log holds no secret (each test asserts it): printed whole, for the record
    System.out.printf("GitLabJobTest: %s%n%s%nGitLabJobTest: job %s exit %d in %d ms%n",
        String.join(" ", command).replace(token, "<ID token>"), output, job, process.exitValue(), took.toMillis());
    return new JobRun(process.exitValue(), output, took);
  }

  /**
   * The Docker executor's contract without GitLab: the job's image with its entrypoint replaced, the pipeline's
   * and the job's variables, the ID token in each id_tokens variable, a few predefined CI variables, and the
   * script lines run by {@code sh -c} under {@code set -e}, each echoed as {@code $ line} before it runs.
   */
  private JobRun runInJobImage(Path pipeline, String job, String token) throws Exception {
    JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(pipeline.toFile());
    JsonNode spec = yaml.path(job);
    Map<String, String> env = new LinkedHashMap<>(Map.of("CI", "true", "GITLAB_CI", "true",
        "CI_PROJECT_ID", "1217", "CI_JOB_ID", "4242", "CI_PROJECT_PATH", "my-group/my-project"));
    yaml.path("variables").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
    spec.path("variables").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
    spec.path("id_tokens").properties().forEach(e -> env.put(e.getKey(), token));
    env.put("AWS_ENDPOINT_URL_STS", sts.endpointUrl());
    StringBuilder script = new StringBuilder("set -e\n");
    for (JsonNode line : spec.path("script")) {
      String text = line.asText();
      script.append("printf '%s\\n' '$ ").append(text.replace("'", "'\\''")).append("'\n").append(text).append('\n');
    }
    long start = System.nanoTime();
    try (GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(spec.path("image")
        .path("name").asText()))) {
      container.withImagePullPolicy(name -> false)
          .withNetworkMode("host")
          .withEnv(env)
          .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("sh", "-c"))
          .withCommand(new String[] {script.toString()})
          .withStartupCheckStrategy(new RunToCompletion().withTimeout(Duration.ofSeconds(120)));
      container.start();
      int exit = (int) (long) container.getDockerClient().inspectContainerCmd(container.getContainerId()).exec()
          .getState().getExitCodeLong();
      String output = container.getLogs();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      System.out.printf("GitLabJobTest: job %s (sh -c in %s)%n%s%nGitLabJobTest: job %s exit %d in %d ms%n", job,
          spec.path("image").path("name").asText(), output, job, exit, took.toMillis());
      return new JobRun(exit, output, took);
    }
  }

  private static void run(Path dir, List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0, command + ": " + output);
  }
}
