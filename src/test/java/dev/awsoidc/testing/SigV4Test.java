package dev.awsoidc.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Against vectors from AWS's published SigV4 test suite (AKIDEXAMPLE, 20150830T123600Z, us-east-1, "service"). */
class SigV4Test {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final Map<String, String> HEADERS = Map.of("Host", "example.amazonaws.com", "X-Amz-Date", "20150830T123600Z");

    private static String sign(String method, String url) {
        return SigV4.authorization("AKIDEXAMPLE", SECRET, "us-east-1", "service", method, URI.create(url), HEADERS, new byte[0]);
    }

    @Test
    void getVanilla() {
        assertEquals("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, "
                + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", sign("GET", "https://example.amazonaws.com/"));
    }

    @Test
    void getVanillaQueryOrderKeyCase() {
        assertEquals("b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
                SigV4.parse(sign("GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1")).signature());
    }

    @Test
    void postVanilla() {
        assertEquals("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
                SigV4.parse(sign("POST", "https://example.amazonaws.com/")).signature());
    }

    @Test
    void canonicalRequestOfGetVanilla() {
        assertEquals("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                        + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                SigV4.canonicalRequest("GET", "/", null, List.of("host", "x-amz-date"),
                        name -> List.of(name.equals("host") ? "example.amazonaws.com" : "20150830T123600Z"), null));
    }

    @Test
    void canonicalQueryEncodesAndSorts() {
        assertEquals("A=%2B%20x&a=1&b=", SigV4.canonicalQuery("b=&a=1&A=%2B%20x"));
        assertEquals("Token=a%2Bb%2F", SigV4.canonicalQuery("Token=a+b%2F"));
    }

    @Test
    void changingAnythingChangesTheSignature() {
        String base = SigV4.parse(SigV4.authorization("AKID", "secret", "us-east-1", "sts", "POST", URI.create("http://h/"),
                HEADERS, "Action=GetCallerIdentity".getBytes(StandardCharsets.UTF_8))).signature();
        String otherBody = SigV4.parse(SigV4.authorization("AKID", "secret", "us-east-1", "sts", "POST", URI.create("http://h/"),
                HEADERS, "Action=GetCallerIdentitz".getBytes(StandardCharsets.UTF_8))).signature();
        String otherSecret = SigV4.parse(SigV4.authorization("AKID", "secreT", "us-east-1", "sts", "POST", URI.create("http://h/"),
                HEADERS, "Action=GetCallerIdentity".getBytes(StandardCharsets.UTF_8))).signature();
        assertEquals(3, java.util.Set.of(base, otherBody, otherSecret).size());
    }

    @Test
    void parseRejectsMalformedHeaders() {
        assertThrows(IllegalArgumentException.class, () -> SigV4.parse("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sts/aws4_request"));
        assertThrows(IllegalArgumentException.class, () -> SigV4.parse("Bearer abc"));
        var auth = SigV4.parse("AWS4-HMAC-SHA256 Credential=ASIAX/20260101/eu-west-1/sts/aws4_request, "
                + "SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=" + "ab".repeat(32));
        assertEquals("ASIAX", auth.accessKeyId());
        assertEquals("20260101/eu-west-1/sts/aws4_request", auth.scope());
        assertEquals(List.of("host", "x-amz-date", "x-amz-security-token"), auth.signedHeaders());
    }

    @Test
    void verifyAcceptsOnlyTheSigningSecret() {
        String canonical = SigV4.canonicalRequest("GET", "/", null, List.of("host", "x-amz-date"),
                name -> List.of(name.equals("host") ? "example.amazonaws.com" : "20150830T123600Z"), null);
        var auth = SigV4.parse(sign("GET", "https://example.amazonaws.com/"));
        assertTrue(SigV4.verify(auth, SECRET, "20150830T123600Z", canonical));
        assertFalse(SigV4.verify(auth, SECRET.replace('K', 'k'), "20150830T123600Z", canonical));
        assertFalse(SigV4.verify(auth, SECRET, "20150830T123601Z", canonical));
        assertFalse(SigV4.verify(auth, SECRET, "20150830T123600Z", canonical.replace("GET", "POST")));
        // The scope's region and service are part of what is signed.
        var otherRegion = SigV4.parse(SigV4.authorization("AKIDEXAMPLE", SECRET, "eu-west-1", "service", "GET",
                URI.create("https://example.amazonaws.com/"), HEADERS, new byte[0]));
        assertFalse(otherRegion.signature().equals(auth.signature()));
        assertTrue(SigV4.verify(otherRegion, SECRET, "20150830T123600Z", canonical));
    }
}
