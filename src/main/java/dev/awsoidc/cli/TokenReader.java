package dev.awsoidc.cli;

import dev.awsoidc.config.TokenChoice;
import dev.awsoidc.tls.ClientTls;
import dev.awsoidc.token.Backoff;
import dev.awsoidc.token.GitHubActionsTokenSource;
import dev.awsoidc.token.IdToken;
import dev.awsoidc.token.IdTokenUnavailableException;
import dev.awsoidc.token.JwtClaims;
import dev.awsoidc.token.TokenRequestException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import okhttp3.OkHttpClient;

/**
 * Reads the ID token that {@code claims} and {@code trust-policy --from-token} look at. Every message names the
 * source and never contains the token.
 */
final class TokenReader {
  /** STS takes at most 20,000 characters; a file many times that is not a token. */
  private static final int MAX_TOKEN_BYTES = 64 * 1024;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private TokenReader() {}

  /** The token could not be read or is not a JWT. */
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

  /** {@code audience} is what the GitHub runner is asked for; tokens from other sources carry their own. */
  static IdToken read(TokenChoice choice, String audience, Command.Console console) throws TokenReadException {
    // TODO(lead): use dev.awsoidc.token.FileTokenSource / VariableTokenSource / StdinTokenSource (branch 'hostile')
    String jwt = switch (choice) {
      case TokenChoice.GitHubRunner runner -> fromGitHub(audience, console);
      case TokenChoice.File file -> fromFile(file.path());
      case TokenChoice.Variable variable -> fromVariable(variable.name(), console);
      case TokenChoice.Stdin stdin -> fromStdin(console.stdin());
    };
    try {
      return new IdToken(jwt, JwtClaims.decode(jwt));
    } catch (JwtClaims.MalformedTokenException e) {
      throw new TokenReadException("what " + describe(choice) + " holds is not a JWT (" + e.getMessage()
          + "): give the ID token itself, header.payload.signature");
    }
  }

  private static String fromGitHub(String audience, Command.Console console) throws TokenReadException {
    try {
      var url = GitHubActionsTokenSource.tokenUrl(console.environment(), audience);
      ClientTls tls = ClientTls.loadInBackground().join();
      OkHttpClient http = new OkHttpClient.Builder()
          .sslSocketFactory(tls.newSocketFactory(), tls.trustManager())
          .connectTimeout(CONNECT_TIMEOUT)
          .readTimeout(READ_TIMEOUT)
          .retryOnConnectionFailure(false)
          .build();
      try {
        return new GitHubActionsTokenSource(url, GitHubActionsTokenSource.requestToken(console.environment()), http,
            3, new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2)), Optional.empty(), token -> {})
            .fetch().value();
      } finally {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
      }
    } catch (IdTokenUnavailableException e) {
      throw new TokenReadException("the GitHub runner gave no way to request a token (" + e.getMessage()
          + "): grant the job 'permissions: id-token: write', or give a --web-identity-token-* option");
    } catch (TokenRequestException e) {
      throw new TokenReadException("the GitHub token request failed after " + e.attempts() + " attempt(s): "
          + e.getMessage() + " (" + e.endpoint() + ")");
    }
  }

  private static String fromFile(Path path) throws TokenReadException {
    byte[] bytes;
    try {
      if (Files.size(path) > MAX_TOKEN_BYTES) {
        throw new TokenReadException("the file " + path + " is larger than " + MAX_TOKEN_BYTES / 1024
            + " KiB: it is not an ID token; check --web-identity-token-file / AWS_WEB_IDENTITY_TOKEN_FILE");
      }
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new TokenReadException("the token file " + path + " does not exist: check --web-identity-token-file "
          + "/ AWS_WEB_IDENTITY_TOKEN_FILE");
    } catch (IOException e) {
      throw new TokenReadException("the token file " + path + " could not be read (" + e.getClass().getSimpleName()
          + "): check that it is a readable file");
    }
    return nonEmpty(new String(bytes, StandardCharsets.UTF_8), "the token file " + path);
  }

  private static String fromVariable(String name, Command.Console console) throws TokenReadException {
    String value = console.environment().get(name);
    if (value == null) {
      throw new TokenReadException("the variable " + name + " is not set: in GitLab CI declare it under the job's "
          + "id_tokens: (" + name + ": { aud: ... }), or name the variable that holds the token");
    }
    return nonEmpty(value, "the variable " + name);
  }

  private static String fromStdin(InputStream stdin) throws TokenReadException {
    try {
      byte[] bytes = stdin.readNBytes(MAX_TOKEN_BYTES + 1);
      if (bytes.length > MAX_TOKEN_BYTES) {
        throw new TokenReadException("standard input holds more than " + MAX_TOKEN_BYTES / 1024 + " KiB: it is "
            + "not an ID token; pipe in the token alone");
      }
      return nonEmpty(new String(bytes, StandardCharsets.UTF_8), "standard input");
    } catch (IOException e) {
      throw new TokenReadException("standard input could not be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static String nonEmpty(String value, String where) throws TokenReadException {
    String token = value.strip();
    if (token.isEmpty()) throw new TokenReadException(where + " is empty: it should hold the ID token");
    return token;
  }
}
