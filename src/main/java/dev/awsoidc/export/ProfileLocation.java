package dev.awsoidc.export;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the job-scoped profile files live: {@code <RUNNER_TEMP>/aws-oidc-credentials}, as this process sees it
 * ({@code directory}) and as later steps see it ({@code hostDirectory}).
 *
 * <p>In a container action RUNNER_TEMP is the mount point {@code /github/runner_temp}, and the runner does not
 * translate values we write to GITHUB_ENV back to host paths. The host's RUNNER_TEMP is the runner's work
 * directory plus {@code _temp} (HostContext: Temp = Work/_temp), and RUNNER_WORKSPACE is Work/&lt;repository
 * name&gt; (JobExtension: runner.workspace = Work/PipelineDirectory, a single path segment). RUNNER_WORKSPACE is
 * under no mount, so it reaches the container untranslated, and its parent is the work directory. Anywhere else
 * (a {@code run:} step, a local run) RUNNER_TEMP is already a path later steps can use.
 */
record ProfileLocation(Path runnerTemp, Path directory, Path hostDirectory) {
  static final String CONTAINER_RUNNER_TEMP = "/github/runner_temp";
  static final String DIRECTORY_NAME = "aws-oidc-credentials";
  private static final String INSTEAD =
      "Or hand the credentials on without files: output-env-credentials: true (the default without aws-profile)"
          + " or output-credentials: true";

  Path configFile() {
    return directory.resolve("config");
  }

  Path credentialsFile() {
    return directory.resolve("credentials");
  }

  Path hostConfigFile() {
    return hostDirectory.resolve("config");
  }

  Path hostCredentialsFile() {
    return hostDirectory.resolve("credentials");
  }

  /** The location, after checking that RUNNER_TEMP is a real directory here. */
  static ProfileLocation fromEnvironment(Map<String, String> environment) throws ExportException {
    ProfileLocation location = derive(environment);
    Path runnerTemp = location.runnerTemp();
    if (Files.isSymbolicLink(runnerTemp) || !Files.isDirectory(runnerTemp, LinkOption.NOFOLLOW_LINKS)) {
      throw new ExportException("RUNNER_TEMP names " + runnerTemp + ", which is not a directory (or is a symbolic"
          + " link, which is refused for files holding credentials)", "Run this as a GitHub Actions step, whose"
          + " runner creates the directory; outside the runner, point RUNNER_TEMP at a real directory. " + INSTEAD,
          null);
    }
    return location;
  }

  /** The paths alone, from RUNNER_TEMP and (in a container action) RUNNER_WORKSPACE; no file system access. */
  static ProfileLocation derive(Map<String, String> environment) throws ExportException {
    String temp = environment.getOrDefault("RUNNER_TEMP", "").strip();
    if (temp.isEmpty()) {
      throw new ExportException("aws-profile writes the profile into the job's temp directory, and RUNNER_TEMP"
          + " (which names it) is not set", "Run this as a GitHub Actions step, or set RUNNER_TEMP to a directory"
          + " that later steps can read. " + INSTEAD, null);
    }
    Path runnerTemp = absolute("RUNNER_TEMP", temp);
    Path hostTemp;
    if (runnerTemp.equals(Path.of(CONTAINER_RUNNER_TEMP))) {
      String workspace = environment.getOrDefault("RUNNER_WORKSPACE", "").strip();
      Path workDirectory = workspace.isEmpty() ? null : absolute("RUNNER_WORKSPACE", workspace).getParent();
      if (workDirectory == null) {
        throw new ExportException("RUNNER_TEMP is the container path " + CONTAINER_RUNNER_TEMP + ", and the"
            + " host path of the profile files, which later steps need, comes from RUNNER_WORKSPACE, which is "
            + (workspace.isEmpty() ? "not set" : "'" + workspace + "'"), "Run this action as a step of a"
            + " GitHub-hosted or self-hosted runner job, which sets RUNNER_WORKSPACE. " + INSTEAD, null);
      }
      hostTemp = workDirectory.resolve("_temp");
    } else {
      hostTemp = runnerTemp;
    }
    return new ProfileLocation(runnerTemp, runnerTemp.resolve(DIRECTORY_NAME), hostTemp.resolve(DIRECTORY_NAME));
  }

  private static Path absolute(String variable, String value) throws ExportException {
    try {
      Path path = Path.of(value);
      if (path.isAbsolute()) return path.normalize();
    } catch (InvalidPathException e) {
      // reported below
    }
    throw new ExportException(variable + " is '" + value + "', which is not an absolute path",
        "Run this as a GitHub Actions step, which sets " + variable + " to an absolute path. " + INSTEAD, null);
  }
}
