package dev.awsoidc.credentials;

import java.util.List;

/** {@code allowed-account-ids}: the credentials are for another account. Nothing has been delivered. */
public final class AccountNotAllowedException extends Exception {
  private final String account;

  public AccountNotAllowedException(String account, List<String> allowed) {
    super("the credentials are for account " + account + ", which is not one of " + String.join(", ", allowed));
    this.account = account;
  }

  public String account() {
    return account;
  }
}
