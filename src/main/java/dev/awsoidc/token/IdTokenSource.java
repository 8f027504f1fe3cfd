package dev.awsoidc.token;

/** Where an ID token comes from. Fetching again gives a fresh token where the source can mint one. */
public interface IdTokenSource {

  /**
   * @throws TokenRequestException a request to a token endpoint failed (may be worth retrying)
   * @throws IdTokenUnavailableException the source holds no usable token (a file, a variable, stdin): final
   */
  IdToken fetch() throws TokenRequestException, IdTokenUnavailableException;

  /** A short description for messages, never containing a secret. */
  String description();
}
