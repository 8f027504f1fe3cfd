package dev.awsoidc.trustpolicy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The policy as IAM's own JSON. {@link #render} gives the provider settings and the role, keyed like the IAM API
 * parameters ({@code Url}, {@code ClientIDList}, {@code RoleName}, {@code AssumeRolePolicyDocument});
 * {@link #policyDocument} the trust policy alone, for {@code aws iam create-role --assume-role-policy-document}.
 * Both need the account id, which the provider ARN in {@code Principal.Federated} contains.
 */
public final class JsonRenderer {
  private static final JsonFactory JSON = new JsonFactory();

  private JsonRenderer() {}

  public static String render(TrustPolicy policy) {
    return write(json -> {
      json.writeStartObject();
      json.writeObjectFieldStart("OpenIDConnectProvider");
      json.writeStringField("Url", policy.issuerUrl());
      writeArray(json, "ClientIDList", policy.clientIds());
      json.writeStringField("Arn", providerArn(policy));
      json.writeEndObject();
      json.writeStringField("RoleName", policy.roleName());
      json.writeFieldName("AssumeRolePolicyDocument");
      writeDocument(json, policy);
      json.writeEndObject();
    });
  }

  public static String policyDocument(TrustPolicy policy) {
    return write(json -> writeDocument(json, policy));
  }

  private static void writeDocument(JsonGenerator json, TrustPolicy policy) throws IOException {
    json.writeStartObject();
    json.writeStringField("Version", "2012-10-17");
    json.writeArrayFieldStart("Statement");
    json.writeStartObject();
    json.writeStringField("Effect", "Allow");
    json.writeObjectFieldStart("Principal");
    json.writeStringField("Federated", providerArn(policy));
    json.writeEndObject();
    json.writeStringField("Action", "sts:AssumeRoleWithWebIdentity");
    json.writeObjectFieldStart("Condition");
    boolean subjectLike = !policy.subjects().isEmpty() && policy.subjectOperator().equals("StringLike");
    json.writeObjectFieldStart("StringEquals");
    json.writeStringField(policy.audienceKey(), policy.audience());
    if (!policy.subjects().isEmpty() && !subjectLike) writeValues(json, policy.subjectKey(), policy.subjects());
    json.writeEndObject();
    if (subjectLike) {
      json.writeObjectFieldStart("StringLike");
      writeValues(json, policy.subjectKey(), policy.subjects());
      json.writeEndObject();
    }
    json.writeEndObject();
    json.writeEndObject();
    json.writeEndArray();
    json.writeEndObject();
  }

  private static String providerArn(TrustPolicy policy) {
    return policy.providerArn().orElseThrow(() -> new IllegalStateException("the JSON policy needs the account id"));
  }

  /** One value as a string, several as an array: both are IAM's forms. */
  private static void writeValues(JsonGenerator json, String key, List<String> values) throws IOException {
    if (values.size() == 1) json.writeStringField(key, values.getFirst());
    else writeArray(json, key, values);
  }

  private static void writeArray(JsonGenerator json, String key, List<String> values) throws IOException {
    json.writeArrayFieldStart(key);
    for (String value : values) json.writeString(value);
    json.writeEndArray();
  }

  private interface Writer {
    void write(JsonGenerator json) throws IOException;
  }

  private static String write(Writer writer) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.useDefaultPrettyPrinter();
      writer.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out + "\n";
  }
}
