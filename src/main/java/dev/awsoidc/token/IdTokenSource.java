package dev.awsoidc.token;

/** Where an ID token comes from. Fetching again gives a fresh token where the source can mint one. */
public interface IdTokenSource {

  IdToken fetch() throws TokenRequestException;

  /** A short description for messages, never containing a secret. */
  String description();
}
