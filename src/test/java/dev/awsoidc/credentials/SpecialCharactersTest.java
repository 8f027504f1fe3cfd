package dev.awsoidc.credentials;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsoidc.sts.AwsCredentials;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpecialCharactersTest {
  private static AwsCredentials secret(String secret) {
    return new AwsCredentials("ASIAEXAMPLEEXAMPLE", secret, Optional.of("token"), Optional.empty());
  }

  @Test
  void plusAndSlashAreNotSpecialBecauseEveryBase64SecretHasThem() {
    assertFalse(SpecialCharacters.in(secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")));
  }

  @Test
  void theReferencesDocumentedClassIsStillSpecial() {
    for (char c : "!@#$%^&*()_-=[]{};':\"\\|,.<>?".toCharArray()) {
      assertTrue(SpecialCharacters.in(secret("abc" + c + "def")), "'" + c + "' is special");
    }
  }
}
