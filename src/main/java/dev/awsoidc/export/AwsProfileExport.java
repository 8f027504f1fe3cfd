package dev.awsoidc.export;

import dev.awsoidc.config.ProfileName;
import dev.awsoidc.sts.AwsCredentials;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code aws-profile} input: writes the credentials as a named profile that later steps use with
 * {@code --profile NAME}.
 *
 * <p>The reference action writes {@code ~/.aws}; in a container action HOME is {@code /github/home}, which later
 * {@code run:} steps never read. So the profile goes into job-scoped files in the runner's temp directory (which
 * the runner empties at the start and end of every job), and AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE,
 * set for later steps, name them by their host paths (see {@link ProfileLocation}).
 *
 * <p>Order: {@link #prepare} checks the name, the location and an existing profile before any network call;
 * {@link #plan} builds both files' text without writing; {@link PreparedWrite#commit()} writes them, each
 * through a temporary file in the same directory and an atomic rename, so no reader sees half a file.
 */
public final class AwsProfileExport {
  private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

  private final String profileName;
  private final boolean overwrite;
  private final ProfileLocation location;
  private final Optional<Owner> owner;
  private final Optional<String> warning;

  private AwsProfileExport(String profileName, boolean overwrite, ProfileLocation location, Optional<Owner> owner,
      Optional<String> warning) {
    this.profileName = profileName;
    this.overwrite = overwrite;
    this.location = location;
    this.owner = owner;
    this.warning = warning;
  }

  /** Checks the location and name before any network call; no secrets yet. */
  public static AwsProfileExport prepare(String profileName, boolean overwrite, Map<String, String> environment)
      throws ExportException {
    Optional<String> problem = ProfileName.problem(profileName);
    if (problem.isPresent()) {
      throw new ExportException("aws-profile: " + problem.get(), ProfileName.FIX, null);
    }
    ProfileLocation location = ProfileLocation.fromEnvironment(environment);
    AwsProfileExport export = new AwsProfileExport(profileName, overwrite, location, Owner.of(location.runnerTemp()),
        replacedVariables(location, environment));
    export.checkDirectory();
    // an existing profile is found now rather than after the role is assumed
    export.merged(Map.of(), Map.of());
    return export;
  }

  /** The text of both files after the merge, computed without writing (so a failure elsewhere writes nothing). */
  public PreparedWrite plan(AwsCredentials credentials, String region) throws ExportException {
    SequencedMap<String, String> keys = new LinkedHashMap<>();
    keys.put("aws_access_key_id", credentials.accessKeyId());
    keys.put("aws_secret_access_key", credentials.secretAccessKey());
    credentials.sessionToken().ifPresent(token -> keys.put("aws_session_token", token));
    SequencedMap<String, String> config = new LinkedHashMap<>();
    if (region != null && !region.isBlank()) config.put("region", region.strip());
    checkDirectory();
    Texts texts = merged(config, keys);
    return new PreparedWrite(location.directory(), owner, location.configFile(), texts.config(),
        location.credentialsFile(), texts.credentials());
  }

  /** Variables for later steps: AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE (host paths). */
  public SequencedMap<String, String> variablesForLaterSteps() {
    SequencedMap<String, String> variables = new LinkedHashMap<>();
    variables.put("AWS_CONFIG_FILE", location.hostConfigFile().toString());
    variables.put("AWS_SHARED_CREDENTIALS_FILE", location.hostCredentialsFile().toString());
    return variables;
  }

  /** Said once when the step's env already names other profile files, which later steps will no longer see. */
  public Optional<String> warning() {
    return warning;
  }

  public String profileName() {
    return profileName;
  }

  private String configSection() {
    return profileName.equals("default") ? "default" : "profile " + profileName;
  }

  private record Texts(String config, String credentials) {}

  /** Both files with this profile put in, or (with empty key sets, from prepare) only the existence check. */
  private Texts merged(Map<String, String> config, Map<String, String> credentials) throws ExportException {
    IniSections credentialsIni = IniSections.parse(read(location.credentialsFile(), location.hostCredentialsFile()));
    IniSections configIni = IniSections.parse(read(location.configFile(), location.hostConfigFile()));
    List<String> configNames = profileName.equals("default") ? List.of("default", "profile default")
        : List.of(configSection());
    if (!overwrite) {
      if (credentialsIni.has(profileName)) throw exists(location.hostCredentialsFile());
      if (configNames.stream().anyMatch(configIni::has)) throw exists(location.hostConfigFile());
    }
    configNames.forEach(configIni::remove);
    configIni.put(configSection(), new LinkedHashMap<>(config));
    credentialsIni.put(profileName, new LinkedHashMap<>(credentials));
    return new Texts(configIni.render(), credentialsIni.render());
  }

  private ExportException exists(Path file) {
    return new ExportException("Profile \"" + profileName + "\" already exists in " + file,
        "Set overwrite-aws-profile: true to replace it, or choose another aws-profile name", null);
  }

  /** The directory may not exist yet; if it does, it must be a real directory. */
  private void checkDirectory() throws ExportException {
    Path directory = location.directory();
    if (Files.isSymbolicLink(directory)) throw refused(directory, "is a symbolic link");
    if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      throw refused(directory, "is not a directory");
    }
  }

  /** The file's text, or "" when there is none; a symbolic link is refused (O_NOFOLLOW), not followed. */
  private static String read(Path file, Path shownAs) throws ExportException {
    if (Files.isSymbolicLink(file)) throw refused(shownAs, "is a symbolic link");
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return "";
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) throw refused(shownAs, "is not a regular file");
    try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), 16 * 1024 * 1024));
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // read it all
      }
      return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      throw new ExportException("could not read the profile file " + shownAs + " (" + e.getMessage() + ")",
          "Check that the file is readable, or delete it to start afresh", e);
    }
  }

  private static ExportException refused(Path path, String what) {
    return new ExportException(path + " " + what + ", which is refused for files holding credentials",
        "Delete it; this action creates the directory and its files itself", null);
  }

  private static Optional<String> replacedVariables(ProfileLocation location, Map<String, String> environment) {
    List<String> replaced = new ArrayList<>();
    replaced(environment, "AWS_CONFIG_FILE", location.configFile(), location.hostConfigFile()).ifPresent(replaced::add);
    replaced(environment, "AWS_SHARED_CREDENTIALS_FILE", location.credentialsFile(),
        location.hostCredentialsFile()).ifPresent(replaced::add);
    if (replaced.isEmpty()) return Optional.empty();
    return Optional.of(String.join(" and ", replaced) + (replaced.size() == 1 ? " is" : " are")
        + " set in this step's environment. For later steps this action sets AWS_CONFIG_FILE and"
        + " AWS_SHARED_CREDENTIALS_FILE to the job's profile files in the runner's temp directory, so profiles"
        + " from the files named now, and from ~/.aws, are not visible to them. Create each profile a later"
        + " step needs with this action (one aws-profile per role), or set the variables in that step's env:.");
  }

  /** "NAME (value)" when the variable names a file other than ours, as this process or a later step sees it. */
  private static Optional<String> replaced(Map<String, String> environment, String variable, Path ours, Path hostOurs) {
    String value = environment.getOrDefault(variable, "").strip();
    if (value.isEmpty()) return Optional.empty();
    try {
      Path given = Path.of(value).normalize();
      if (given.equals(ours) || given.equals(hostOurs)) return Optional.empty();
    } catch (RuntimeException e) {
      // not a path: certainly not ours
    }
    return Optional.of(variable + " (" + value + ")");
  }

  /**
   * The owner of the runner's temp directory. This container runs as root, and the steps after it as the
   * runner's user (uid 1001 on GitHub-hosted runners), who could neither read a root-owned 0600 file nor let
   * the runner delete it at job end; so the directory and files are handed to that user.
   */
  public record Owner(int uid, int gid) {
    static Optional<Owner> of(Path directory) {
      try {
        return Optional.of(new Owner((Integer) Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS),
            (Integer) Files.getAttribute(directory, "unix:gid", LinkOption.NOFOLLOW_LINKS)));
      } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
        return Optional.empty();
      }
    }

    void apply(Path path) throws IOException {
      if (!Integer.valueOf(uid).equals(Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS))) {
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
      }
      if (!Integer.valueOf(gid).equals(Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS))) {
        Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  /**
   * Both files' final text. {@link #toString()} hides it: the credentials file holds the secret key and token.
   */
  public record PreparedWrite(Path directory, Optional<Owner> owner, Path configFile, String configText,
      Path credentialsFile, String credentialsText) {

    /**
     * Creates the directory (0700) if needed, then writes each file to a new 0600 temporary file beside it and
     * renames it into place. Both temporary files are complete before either rename.
     */
    public void commit() throws IOException {
      makeDirectory();
      Path configTemp = null;
      Path credentialsTemp = null;
      try {
        configTemp = writeTemporary(configFile, configText);
        credentialsTemp = writeTemporary(credentialsFile, credentialsText);
        move(configTemp, configFile);
        configTemp = null;
        move(credentialsTemp, credentialsFile);
        credentialsTemp = null;
      } finally {
        if (configTemp != null) Files.deleteIfExists(configTemp);
        if (credentialsTemp != null) Files.deleteIfExists(credentialsTemp);
      }
    }

    private void makeDirectory() throws IOException {
      try {
        Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
      } catch (FileAlreadyExistsException e) {
        // checked below
      }
      if (Files.isSymbolicLink(directory) || !Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(directory + " is not a directory or is a symbolic link; refused");
      }
      if (owner.isPresent()) owner.get().apply(directory);
      // the umask may have narrowed it, and an existing directory may be wider
      view(directory).setPermissions(DIRECTORY_MODE);
    }

    private Path writeTemporary(Path target, String text) throws IOException {
      Path temporary = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
      // CREATE_NEW is O_EXCL: never an existing file, never through a symbolic link
      try (SeekableByteChannel channel = Files.newByteChannel(temporary,
          Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.DSYNC),
          PosixFilePermissions.asFileAttribute(FILE_MODE))) {
        view(temporary).setPermissions(FILE_MODE);
        if (owner.isPresent()) owner.get().apply(temporary);
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) channel.write(bytes);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(temporary);
        throw e;
      }
      return temporary;
    }

    private static void move(Path from, Path to) throws IOException {
      try {
        // rename(2): replaces the target (even a symbolic link planted there) without following it
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot replace " + to + " atomically", e);
      }
    }

    private static PosixFileAttributeView view(Path path) {
      return Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public String toString() {
      return "PreparedWrite[configFile=" + configFile + ", credentialsFile=" + credentialsFile + ", text=***]";
    }
  }
}
