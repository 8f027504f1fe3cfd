package dev.awsoidc.cli;

/**
 * Gets the credentials {@code assume} was asked for and hands them on in the requested format; returns the exit
 * code (0 credentials written, 1 failure, nothing written). Passed to {@link Cli#run}, so tests can run the
 * real pipeline against the local emulators.
 */
@FunctionalInterface
public interface AssumeRunner {
  int run(AssumeRequest request);
}
