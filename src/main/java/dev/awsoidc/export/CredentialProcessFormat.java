package dev.awsoidc.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.awsoidc.sts.AwsCredentials;
import dev.awsoidc.sts.AwsSession;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The JSON an AWS profile's {@code credential_process} prints: {@code Version} 1, {@code AccessKeyId},
 * {@code SecretAccessKey}, and {@code SessionToken} and {@code Expiration} (ISO-8601, UTC) when the credentials
 * have them. With an Expiration the SDKs and the AWS CLI run the process again before the credentials expire.
 */
public final class CredentialProcessFormat {
  static final JsonFactory JSON = new JsonFactory();

  private CredentialProcessFormat() {}

  public static String format(AwsSession session) {
    return write(session, null, false);
  }

  /** The fields, and with {@code extended} also Arn, AccountId and Region (when not null): {@link JsonFormat}. */
  static String write(AwsSession session, String region, boolean extended) {
    AwsCredentials credentials = session.credentials();
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeNumberField("Version", 1);
      json.writeStringField("AccessKeyId", credentials.accessKeyId());
      json.writeStringField("SecretAccessKey", credentials.secretAccessKey());
      if (credentials.sessionToken().isPresent()) {
        json.writeStringField("SessionToken", credentials.sessionToken().get());
      }
      if (credentials.expiration().isPresent()) {
        json.writeStringField("Expiration", credentials.expiration().get().toString());
      }
      if (extended) {
        json.writeStringField("Arn", session.arn());
        json.writeStringField("AccountId", session.accountId());
        if (region != null && !region.isBlank()) json.writeStringField("Region", region);
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out + "\n";
  }
}
