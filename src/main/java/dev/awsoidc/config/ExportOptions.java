package dev.awsoidc.config;

import java.util.Optional;

/**
 * What to do with the credentials once we have them.
 *
 * @param unsetCurrentCredentials blank the credential and region variables an earlier step set, even when this
 *     run exports no credentials of its own
 * @param profile write a named profile ({@code aws-profile}) as well
 */
public record ExportOptions(
    boolean envCredentials,
    boolean outputCredentials,
    boolean maskAccountId,
    boolean unsetCurrentCredentials,
    Optional<ProfileOptions> profile) {

  /** {@code aws-profile} and {@code overwrite-aws-profile}. */
  public record ProfileOptions(String name, boolean overwrite) {}
}
