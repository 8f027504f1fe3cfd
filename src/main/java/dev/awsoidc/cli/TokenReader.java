package dev.awsoidc.cli;

import dev.awsoidc.config.TokenChoice;
import dev.awsoidc.tls.ClientTls;
import dev.awsoidc.token.Backoff;
import dev.awsoidc.token.FileTokenSource;
import dev.awsoidc.token.GitHubActionsTokenSource;
import dev.awsoidc.token.IdToken;
import dev.awsoidc.token.IdTokenSource;
import dev.awsoidc.token.IdTokenUnavailableException;
import dev.awsoidc.token.StdinTokenSource;
import dev.awsoidc.token.TokenHttpClient;
import dev.awsoidc.token.TokenRequestException;
import dev.awsoidc.token.VariableTokenSource;
import java.time.Duration;
import java.util.Optional;
import okhttp3.OkHttpClient;

/**
 * Reads the one ID token that {@code claims} and {@code trust-policy --from-token} look at, from the source the
 * options chose. Every message names the source and the fix, never the token.
 */
final class TokenReader {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  private static final int GITHUB_ATTEMPTS = 3;

  private TokenReader() {}

  /** No token could be had; the message says why and what to change. */
  static final class TokenReadException extends Exception {
    TokenReadException(String message) {
      super(message, null, false, false);
    }
  }

  static String describe(TokenChoice choice) {
    return switch (choice) {
      case TokenChoice.GitHubRunner runner -> "the GitHub Actions runner";
      case TokenChoice.File file -> "the file " + file.path();
      case TokenChoice.Variable variable -> "the variable " + variable.name();
      case TokenChoice.Stdin stdin -> "standard input";
    };
  }

  /**
   * {@code audience} is what the GitHub runner is asked for; tokens from other sources carry their own. The
   * runner's endpoint is reached directly (no proxy): the command line takes no proxy option for this request.
   */
  static IdToken read(TokenChoice choice, String audience, Command.Streams streams) throws TokenReadException {
    OkHttpClient http = null;
    try {
      IdTokenSource source = switch (choice) {
        case TokenChoice.GitHubRunner runner -> {
          var url = GitHubActionsTokenSource.tokenUrl(streams.environment(), audience);
          http = TokenHttpClient.build(ClientTls.loadInBackground().join(), Optional.empty(), CONNECT_TIMEOUT,
              READ_TIMEOUT);
          yield new GitHubActionsTokenSource(url, GitHubActionsTokenSource.requestToken(streams.environment()), http,
              GITHUB_ATTEMPTS, new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2)), Optional.empty(),
              token -> {});
        }
        case TokenChoice.File file -> new FileTokenSource(file.path());
        case TokenChoice.Variable variable -> new VariableTokenSource(variable.name(), streams.environment());
        case TokenChoice.Stdin stdin -> new StdinTokenSource(streams.stdin());
      };
      return source.fetch();
    } catch (IdTokenUnavailableException e) {
      if (e.missingPermission()) {
        throw new TokenReadException("the GitHub runner gave this job no way to request a token (" + e.getMessage()
            + "): grant the job 'permissions: id-token: write', or give a --web-identity-token-* option");
      }
      throw new TokenReadException(e.getMessage());
    } catch (TokenRequestException e) {
      throw new TokenReadException("the GitHub token request to " + e.endpoint() + " failed after " + e.attempts()
          + " attempt(s): " + e.getMessage());
    } finally {
      if (http != null) TokenHttpClient.release(http);
    }
  }
}
