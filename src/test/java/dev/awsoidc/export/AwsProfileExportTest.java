package dev.awsoidc.export;

import dev.awsoidc.config.ProfileName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.awsoidc.sts.AwsCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AwsProfileExportTest {
  private static final AwsCredentials DEPLOY = AwsCredentials.temporary("ASIADEPLOYEXAMPLE001",
      "deploySecret/with+Chars=0123456789abcdefghij", "IQoJb3JpZ2luX2VjEXAMPLE//token+part/two==",
      Instant.parse("2026-11-29T19:00:00Z"));
  private static final AwsCredentials AUDIT = AwsCredentials.temporary("ASIAAUDITEXAMPLE0002",
      "auditSecret0123456789abcdefghijklmnopqrst", "FwoGZXIvYXdzEAUDITtoken", Instant.parse("2026-11-29T19:00:00Z"));
  private static final AwsCredentials ACCESS_KEYS = new AwsCredentials("AKIASTATICEXAMPLE003",
      "staticSecret0123456789abcdefghijklmnopqr", Optional.empty(), Optional.empty());

  @TempDir Path temp;
  private Path runnerTemp;
  private Path directory;
  private Map<String, String> environment;

  @BeforeEach
  void runnerTemp() throws IOException {
    runnerTemp = Files.createDirectory(temp.resolve("_temp"));
    directory = runnerTemp.resolve("aws-oidc-credentials");
    environment = new HashMap<>(Map.of("RUNNER_TEMP", runnerTemp.toString()));
  }

  private AwsProfileExport write(String name, boolean overwrite, AwsCredentials credentials, String region)
      throws Exception {
    AwsProfileExport export = AwsProfileExport.prepare(name, overwrite, environment);
    export.plan(credentials, region).commit();
    return export;
  }

  private String config() throws IOException {
    return Files.readString(directory.resolve("config"));
  }

  private String credentials() throws IOException {
    return Files.readString(directory.resolve("credentials"));
  }

  @Test
  void writesTheProfileAndNamesTheFilesForLaterSteps() throws Exception {
    AwsProfileExport export = write("deploy", false, DEPLOY, "eu-west-1");

    assertEquals("""
        [deploy]
        aws_access_key_id = ASIADEPLOYEXAMPLE001
        aws_secret_access_key = deploySecret/with+Chars=0123456789abcdefghij
        aws_session_token = IQoJb3JpZ2luX2VjEXAMPLE//token+part/two==
        """, credentials());
    assertEquals("""
        [profile deploy]
        region = eu-west-1
        """, config());
    // outside a container action RUNNER_TEMP is already the path later steps use
    assertEquals(List.of("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"),
        List.copyOf(export.variablesForLaterSteps().keySet()));
    assertEquals(directory.resolve("config").toString(), export.variablesForLaterSteps().get("AWS_CONFIG_FILE"));
    assertEquals(directory.resolve("credentials").toString(),
        export.variablesForLaterSteps().get("AWS_SHARED_CREDENTIALS_FILE"));
    assertEquals(Optional.empty(), export.warning());
  }

  @Test
  void theDefaultProfileIsNamedDefaultInBothFiles() throws Exception {
    write("default", false, DEPLOY, "us-east-2");
    assertTrue(credentials().startsWith("[default]\naws_access_key_id = ASIADEPLOYEXAMPLE001\n"), credentials());
    assertEquals("[default]\nregion = us-east-2\n", config());
  }

  @Test
  void accessKeysWithoutASessionTokenGetNoTokenLine() throws Exception {
    write("static", false, ACCESS_KEYS, "us-east-1");
    assertEquals("""
        [static]
        aws_access_key_id = AKIASTATICEXAMPLE003
        aws_secret_access_key = staticSecret0123456789abcdefghijklmnopqr
        """, credentials());
  }

  @Test
  void aSecondInvocationInTheJobAddsItsProfileAndKeepsTheFirst() throws Exception {
    write("deploy", false, DEPLOY, "eu-west-1");
    write("audit", false, AUDIT, "us-east-1");

    IniSections credentials = IniSections.parse(credentials());
    assertEquals(List.of("aws_access_key_id = ASIADEPLOYEXAMPLE001",
        "aws_secret_access_key = deploySecret/with+Chars=0123456789abcdefghij",
        "aws_session_token = IQoJb3JpZ2luX2VjEXAMPLE//token+part/two=="), credentials.lines("deploy"));
    assertEquals(List.of("aws_access_key_id = ASIAAUDITEXAMPLE0002",
        "aws_secret_access_key = auditSecret0123456789abcdefghijklmnopqrst",
        "aws_session_token = FwoGZXIvYXdzEAUDITtoken"), credentials.lines("audit"));
    assertEquals("[profile deploy]\nregion = eu-west-1\n\n[profile audit]\nregion = us-east-1\n", config());
  }

  @Test
  void otherSectionsAndTheirKeysSurviveTheMergeCommentsDoNot() throws Exception {
    Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.writeString(directory.resolve("config"), """
        # written by hand
        [default]
        region = us-west-2
        output = json
        ; a comment
        [profile tools]\r
        region = ap-south-1\r
        s3 =
          max_concurrent_requests = 20
          multipart_threshold = 64MB
        [sso-session corp]
        sso_start_url = https://corp.awsapps.com/start
        """);
    Files.writeString(directory.resolve("credentials"), "[legacy]\naws_access_key_id=AKIALEGACY\n"
        + "aws_secret_access_key=legacy=secret=with=equals\n");

    write("deploy", false, DEPLOY, "eu-west-1");

    assertEquals("""
        [default]
        region = us-west-2
        output = json

        [profile tools]
        region = ap-south-1
        s3 =
          max_concurrent_requests = 20
          multipart_threshold = 64MB

        [sso-session corp]
        sso_start_url = https://corp.awsapps.com/start

        [profile deploy]
        region = eu-west-1
        """, config());
    IniSections credentials = IniSections.parse(credentials());
    assertEquals(List.of("aws_access_key_id=AKIALEGACY", "aws_secret_access_key=legacy=secret=with=equals"),
        credentials.lines("legacy"));
    assertTrue(credentials.has("deploy"));
    // and what we render parses back to the same thing
    assertEquals(config(), IniSections.parse(config()).render());
    assertEquals(credentials(), IniSections.parse(credentials()).render());
  }

  @Test
  void anExistingProfileIsRefusedBeforeAnyNetworkCallAndNothingChanges() throws Exception {
    write("deploy", false, DEPLOY, "eu-west-1");
    String before = credentials() + config();

    ExportException e = assertThrows(ExportException.class, () -> AwsProfileExport.prepare("deploy", false, environment));

    assertEquals("Profile \"deploy\" already exists in " + directory.resolve("credentials"), e.getMessage());
    assertEquals("Set overwrite-aws-profile: true to replace it, or choose another aws-profile name", e.fix());
    assertEquals(before, credentials() + config());
  }

  @Test
  void aProfileThatAppearsBetweenPrepareAndPlanIsStillRefused() throws Exception {
    AwsProfileExport export = AwsProfileExport.prepare("deploy", false, environment);
    write("deploy", false, AUDIT, "us-east-1");

    ExportException e = assertThrows(ExportException.class, () -> export.plan(DEPLOY, "eu-west-1"));
    assertTrue(e.getMessage().startsWith("Profile \"deploy\" already exists in "), e.getMessage());
    assertTrue(credentials().contains("ASIAAUDITEXAMPLE0002"));
  }

  @Test
  void aProfileOnlyInTheConfigFileIsRefusedToo() throws Exception {
    Files.createDirectory(directory);
    Files.writeString(directory.resolve("config"), "[profile deploy]\nregion = us-east-1\n");
    ExportException e = assertThrows(ExportException.class, () -> AwsProfileExport.prepare("deploy", false, environment));
    assertEquals("Profile \"deploy\" already exists in " + directory.resolve("config"), e.getMessage());
  }

  @Test
  void overwriteReplacesTheWholeSectionAndKeepsTheOthers() throws Exception {
    write("deploy", false, DEPLOY, "eu-west-1");
    write("audit", false, AUDIT, "us-east-1");
    Files.writeString(directory.resolve("config"), config() + "\n[profile deploy]\noutput = json\n");

    write("deploy", true, ACCESS_KEYS, "ap-northeast-1");

    IniSections credentials = IniSections.parse(credentials());
    // no stale session token: it would not match the new key
    assertEquals(List.of("aws_access_key_id = AKIASTATICEXAMPLE003",
        "aws_secret_access_key = staticSecret0123456789abcdefghijklmnopqr"), credentials.lines("deploy"));
    assertTrue(credentials.has("audit"));
    IniSections config = IniSections.parse(config());
    assertEquals(List.of("region = ap-northeast-1"), config.lines("profile deploy"));
    assertEquals(List.of("region = us-east-1"), config.lines("profile audit"));
  }

  @Test
  void aProfileDefaultSectionCountsAsTheDefaultProfile() throws Exception {
    Files.createDirectory(directory);
    Files.writeString(directory.resolve("config"), "[profile default]\nregion = us-east-1\n");
    assertThrows(ExportException.class, () -> AwsProfileExport.prepare("default", false, environment));

    write("default", true, DEPLOY, "eu-central-1");
    assertEquals("[default]\nregion = eu-central-1\n", config());
  }

  @Test
  void theDirectoryIs0700AndTheFiles0600EvenIfTheDirectoryWasWider() throws Exception {
    Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));

    write("deploy", false, DEPLOY, "eu-west-1");

    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("config"))));
    assertEquals("rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("credentials"))));
    try (Stream<Path> files = Files.list(directory)) {
      assertEquals(List.of("config", "credentials"), files.map(p -> p.getFileName().toString()).sorted().toList(),
          "no temporary file left behind");
    }
  }

  @Test
  void aNewDirectoryIs0700() throws Exception {
    write("deploy", false, DEPLOY, "eu-west-1");
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
  }

  @Test
  void aSymlinkedDirectoryIsRefusedAndNothingIsWrittenThroughIt() throws Exception {
    Path elsewhere = Files.createDirectory(temp.resolve("elsewhere"));
    Files.createSymbolicLink(directory, elsewhere);

    ExportException e = assertThrows(ExportException.class, () -> AwsProfileExport.prepare("deploy", false, environment));

    assertEquals(directory + " is a symbolic link, which is refused for files holding credentials", e.getMessage());
    assertEmpty(elsewhere);
  }

  @Test
  void aDirectorySwappedForASymlinkAfterPrepareIsRefusedByCommit() throws Exception {
    AwsProfileExport export = AwsProfileExport.prepare("deploy", false, environment);
    AwsProfileExport.PreparedWrite write = export.plan(DEPLOY, "eu-west-1");
    Path elsewhere = Files.createDirectory(temp.resolve("elsewhere"));
    Files.createSymbolicLink(directory, elsewhere);

    assertThrows(IOException.class, write::commit);
    assertEmpty(elsewhere);
  }

  @Test
  void aSymlinkedFileIsRefusedAndItsTargetIsUntouched() throws Exception {
    Files.createDirectory(directory);
    Path target = Files.writeString(temp.resolve("someone-elses-credentials"), "[mine]\nkey = value\n");
    Files.createSymbolicLink(directory.resolve("credentials"), target);

    ExportException e = assertThrows(ExportException.class, () -> AwsProfileExport.prepare("deploy", false, environment));

    assertEquals(directory.resolve("credentials") + " is a symbolic link, which is refused for files holding"
        + " credentials", e.getMessage());
    assertEquals("[mine]\nkey = value\n", Files.readString(target));
  }

  @Test
  void aFilePlantedAsSymlinkAfterPlanIsReplacedNotFollowed() throws Exception {
    AwsProfileExport.PreparedWrite write = AwsProfileExport.prepare("deploy", false, environment)
        .plan(DEPLOY, "eu-west-1");
    Files.createDirectory(directory);
    Path target = Files.writeString(temp.resolve("victim"), "unchanged\n");
    Files.createSymbolicLink(directory.resolve("credentials"), target);

    write.commit();

    assertEquals("unchanged\n", Files.readString(target));
    assertFalse(Files.isSymbolicLink(directory.resolve("credentials")));
    assertTrue(credentials().contains("ASIADEPLOYEXAMPLE001"));
  }

  @Test
  void aSymlinkedRunnerTempIsRefused() throws Exception {
    Path link = Files.createSymbolicLink(temp.resolve("temp-link"), runnerTemp);
    environment.put("RUNNER_TEMP", link.toString());
    ExportException e = assertThrows(ExportException.class, () -> AwsProfileExport.prepare("deploy", false, environment));
    assertTrue(e.getMessage().startsWith("RUNNER_TEMP names " + link + ", which is not a directory"), e.getMessage());
  }

  @Test
  void aFailedPlanWritesNothing() throws Exception {
    AwsProfileExport export = AwsProfileExport.prepare("deploy", false, environment);
    AwsCredentials broken = new AwsCredentials("ASIA1", "secret\nwith a line break", Optional.empty(), Optional.empty());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> export.plan(broken, "eu-west-1"));
    assertFalse(e.getMessage().contains("with a line break"), "the value is not shown");
    assertFalse(Files.exists(directory));
  }

  @Test
  void nothingSecretIsShownByThePreparedWrite() throws Exception {
    AwsProfileExport.PreparedWrite write = AwsProfileExport.prepare("deploy", false, environment)
        .plan(DEPLOY, "eu-west-1");
    String shown = write.toString();
    assertFalse(shown.contains(DEPLOY.accessKeyId()) || shown.contains(DEPLOY.secretAccessKey())
        || shown.contains(DEPLOY.sessionToken().orElseThrow()), "toString shows a secret");
  }

  @Test
  void profileNamesFollowTheReferenceRules() {
    assertEquals(Optional.empty(), ProfileName.problem("deploy"));
    assertEquals(Optional.empty(), ProfileName.problem("prod-readonly_2.eu"));
    assertEquals(Optional.empty(), ProfileName.problem("default"));
    assertEquals(Optional.of("it is empty"), ProfileName.problem(""));
    assertEquals(Optional.of("it is empty"), ProfileName.problem("  "));
    assertEquals(Optional.of("'my profile' contains whitespace"), ProfileName.problem("my profile"));
    assertEquals(Optional.of("'tab\tname' contains whitespace"), ProfileName.problem("tab\tname"));
    assertEquals(Optional.of("'a[b' contains a bracket"), ProfileName.problem("a[b"));
    assertEquals(Optional.of("'prod]' contains a bracket"), ProfileName.problem("prod]"));
    assertEquals(Optional.of("'a/b' contains a path separator"), ProfileName.problem("a/b"));
    assertEquals(Optional.of("'a\\b' contains a path separator"), ProfileName.problem("a\\b"));
    assertEquals(Optional.of("it contains a control character"), ProfileName.problem("a\u0000b"));

    ExportException e = assertThrows(ExportException.class,
        () -> AwsProfileExport.prepare("my profile", false, environment));
    assertEquals("aws-profile: 'my profile' contains whitespace", e.getMessage());
  }

  // --- where the files are: container action vs anywhere else -------------------------------------------

  @Test
  void inAContainerActionTheHostPathComesFromRunnerWorkspace() throws Exception {
    ProfileLocation location = ProfileLocation.derive(Map.of("RUNNER_TEMP", "/github/runner_temp",
        "RUNNER_WORKSPACE", "/home/runner/work/my-repo"));

    assertEquals(Path.of("/github/runner_temp/aws-oidc-credentials/config"), location.configFile());
    assertEquals(Path.of("/github/runner_temp/aws-oidc-credentials/credentials"), location.credentialsFile());
    assertEquals(Path.of("/home/runner/work/_temp/aws-oidc-credentials/config"), location.hostConfigFile());
    assertEquals(Path.of("/home/runner/work/_temp/aws-oidc-credentials/credentials"),
        location.hostCredentialsFile());
  }

  @Test
  void aSelfHostedWorkFolderAndATrailingSlashAreHandled() throws Exception {
    ProfileLocation location = ProfileLocation.derive(Map.of("RUNNER_TEMP", "/github/runner_temp/",
        "RUNNER_WORKSPACE", "/opt/actions-runner/_work/repo.with.dots/"));
    assertEquals(Path.of("/opt/actions-runner/_work/_temp/aws-oidc-credentials"), location.hostDirectory());
  }

  @Test
  void outsideAContainerActionRunnerTempIsUsedAsItIs() throws Exception {
    ProfileLocation location = ProfileLocation.derive(Map.of("RUNNER_TEMP", "/home/runner/work/_temp",
        "RUNNER_WORKSPACE", "/somewhere/else/repo"));
    assertEquals(Path.of("/home/runner/work/_temp/aws-oidc-credentials"), location.directory());
    assertEquals(location.directory(), location.hostDirectory());
  }

  @Test
  void aContainerLayoutWithoutRunnerWorkspaceIsAnError() {
    ExportException missing = assertThrows(ExportException.class,
        () -> ProfileLocation.derive(Map.of("RUNNER_TEMP", "/github/runner_temp")));
    assertEquals("RUNNER_TEMP is the container path /github/runner_temp, and the host path of the profile files,"
        + " which later steps need, comes from RUNNER_WORKSPACE, which is not set", missing.getMessage());
    assertTrue(missing.fix().contains("output-env-credentials: true") && missing.fix().contains("output-credentials"),
        missing.fix());

    ExportException relative = assertThrows(ExportException.class, () -> ProfileLocation.derive(
        Map.of("RUNNER_TEMP", "/github/runner_temp", "RUNNER_WORKSPACE", "work/repo")));
    assertEquals("RUNNER_WORKSPACE is 'work/repo', which is not an absolute path", relative.getMessage());

    ExportException root = assertThrows(ExportException.class, () -> ProfileLocation.derive(
        Map.of("RUNNER_TEMP", "/github/runner_temp", "RUNNER_WORKSPACE", "/")));
    assertTrue(root.getMessage().endsWith("comes from RUNNER_WORKSPACE, which is '/'"), root.getMessage());
  }

  @Test
  void withoutRunnerTempThereIsNoPlaceForTheProfile() {
    ExportException e = assertThrows(ExportException.class, () -> AwsProfileExport.prepare("deploy", false, Map.of()));
    assertEquals("aws-profile writes the profile into the job's temp directory, and RUNNER_TEMP (which names it)"
        + " is not set", e.getMessage());
    assertTrue(e.fix().contains("output-credentials"), e.fix());

    ExportException relative = assertThrows(ExportException.class,
        () -> AwsProfileExport.prepare("deploy", false, Map.of("RUNNER_TEMP", "tmp")));
    assertEquals("RUNNER_TEMP is 'tmp', which is not an absolute path", relative.getMessage());

    ExportException absent = assertThrows(ExportException.class, () -> AwsProfileExport.prepare("deploy", false,
        Map.of("RUNNER_TEMP", temp.resolve("absent").toString())));
    assertTrue(absent.getMessage().startsWith("RUNNER_TEMP names " + temp.resolve("absent")), absent.getMessage());
  }

  @Test
  void profileFilesAlreadyNamedInTheEnvironmentGetOneWarning() throws Exception {
    environment.put("AWS_CONFIG_FILE", "/home/runner/.aws/config");
    environment.put("AWS_SHARED_CREDENTIALS_FILE", "/home/runner/.aws/credentials");
    Optional<String> warning = AwsProfileExport.prepare("deploy", false, environment).warning();
    assertTrue(warning.isPresent());
    assertTrue(warning.get().startsWith("AWS_CONFIG_FILE (/home/runner/.aws/config) and AWS_SHARED_CREDENTIALS_FILE"
        + " (/home/runner/.aws/credentials) are set in this step's environment."), warning.get());
    assertTrue(warning.get().contains("~/.aws"), warning.get());

    environment.remove("AWS_SHARED_CREDENTIALS_FILE");
    assertTrue(AwsProfileExport.prepare("deploy", false, environment).warning().orElseThrow()
        .startsWith("AWS_CONFIG_FILE (/home/runner/.aws/config) is set"));
  }

  @Test
  void ourOwnFilesFromAnEarlierStepGetNoWarning() throws Exception {
    AwsProfileExport first = write("deploy", false, DEPLOY, "eu-west-1");
    environment.putAll(first.variablesForLaterSteps());
    assertEquals(Optional.empty(), AwsProfileExport.prepare("audit", false, environment).warning());
  }

  // --- the real AWS CLI reads what we wrote -----------------------------------------------------------------

  @Test
  void theAwsCliReadsBothProfilesWithAnEmptyHome() throws Exception {
    write("deploy", false, DEPLOY, "eu-west-1");
    AwsProfileExport export = write("default", false, ACCESS_KEYS, "us-east-2");
    Path home = Files.createDirectory(temp.resolve("home"));
    Map<String, String> later = new HashMap<>(export.variablesForLaterSteps());
    later.put("HOME", home.toString());

    assertEquals("ASIADEPLOYEXAMPLE001", aws(later, "configure", "get", "aws_access_key_id", "--profile", "deploy"));
    assertEquals(DEPLOY.secretAccessKey(),
        aws(later, "configure", "get", "aws_secret_access_key", "--profile", "deploy"));
    assertEquals(DEPLOY.sessionToken().orElseThrow(),
        aws(later, "configure", "get", "aws_session_token", "--profile", "deploy"));
    assertEquals("eu-west-1", aws(later, "configure", "get", "region", "--profile", "deploy"));
    assertEquals("AKIASTATICEXAMPLE003", aws(later, "configure", "get", "aws_access_key_id", "--profile", "default"));
    assertEquals("us-east-2", aws(later, "configure", "get", "region"));
    try (Stream<Path> files = Files.list(home)) {
      assertEquals(List.of(), files.filter(p -> p.getFileName().toString().equals(".aws")).toList(),
          "the CLI did not need ~/.aws");
    }
  }

  /**
   * On a runner the action's container runs as root and the later steps as the runner's user. The files are
   * handed to the owner of RUNNER_TEMP, so that user can read them (and the runner can delete them).
   */
  @Test
  void filesWrittenAsRootAreReadableByTheOwnerOfRunnerTemp() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root, as in the action's container");
    Path cli = Path.of("/usr/bin/aws");
    assumeTrue(Files.isExecutable(cli) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
        "needs /usr/bin/aws (apt-get install -y awscli) and setpriv");
    int runnerUid = 1001;
    // the runner user must be able to reach RUNNER_TEMP, as on a runner (its work directory is its own)
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setAttribute(runnerTemp, "unix:uid", runnerUid);
    Files.setAttribute(runnerTemp, "unix:gid", runnerUid);
    Path home = Files.createDirectory(temp.resolve("home"));
    Files.setAttribute(home, "unix:uid", runnerUid);

    AwsProfileExport export = write("deploy", false, DEPLOY, "eu-west-1");

    for (Path path : List.of(directory, directory.resolve("config"), directory.resolve("credentials"))) {
      assertEquals(runnerUid, Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS), path.toString());
      assertEquals(runnerUid, Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS), path.toString());
    }
    Map<String, String> later = new HashMap<>(export.variablesForLaterSteps());
    later.put("HOME", home.toString());
    List<String> asRunner = List.of("/usr/bin/setpriv", "--reuid=" + runnerUid, "--regid=" + runnerUid,
        "--clear-groups", cli.toString());
    assertEquals("ASIADEPLOYEXAMPLE001",
        run(later, asRunner, "configure", "get", "aws_access_key_id", "--profile", "deploy"));
    assertEquals("eu-west-1", run(later, asRunner, "configure", "get", "region", "--profile", "deploy"));
  }

  private static void assertEmpty(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      assertEquals(List.of(), files.toList());
    }
  }

  private static String aws(Map<String, String> environment, String... arguments) throws Exception {
    return run(environment, List.of(awsCli()), arguments);
  }

  /** The AWS CLI: the system one if there is one (a pyenv shim needs the real HOME), else the first on PATH. */
  private static String awsCli() {
    for (String candidate : List.of("/usr/local/bin/aws", "/usr/bin/aws")) {
      if (Files.isExecutable(Path.of(candidate))) return candidate;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "aws"))) return Path.of(dir, "aws").toString();
    }
    throw new AssertionError("the AWS CLI is needed for this test: apt-get install -y awscli");
  }

  private static String run(Map<String, String> environment, List<String> command, String... arguments)
      throws Exception {
    List<String> line = new ArrayList<>(command);
    line.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("AWS_"));
    env.putAll(environment);
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "aws did not finish");
    assertEquals(0, process.exitValue(), "aws " + String.join(" ", arguments) + ": " + output);
    return output;
  }
}
