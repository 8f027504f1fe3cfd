package dev.awsoidc.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Minimal RS256 JWT and JWKS code: just what the emulators need, on JDK crypto. */
public final class Jwt {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();

    private Jwt() {}

    /** A decoded (not verified) compact JWS. */
    public record Decoded(Map<String, Object> header, Map<String, Object> claims, byte[] signingInput, byte[] signature) {}

    /** Decodes header and claims without checking the signature; IllegalArgumentException if not a JWT. */
    public static Decoded decode(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) throw new IllegalArgumentException("not a compact JWS: " + parts.length + " parts");
        try {
            return new Decoded(
                    Json.parseObject(new String(B64URL_DECODER.decode(parts[0]), StandardCharsets.UTF_8)),
                    Json.parseObject(new String(B64URL_DECODER.decode(parts[1]), StandardCharsets.UTF_8)),
                    (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII),
                    B64URL_DECODER.decode(parts[2]));
        } catch (IOException e) {
            throw new IllegalArgumentException("JWT part is not a JSON object", e);
        }
    }

    /** The claims of a token, unverified (handy in tests). */
    public static Map<String, Object> claims(String token) {
        return decode(token).claims();
    }

    static String signRs256(Map<String, Object> header, Map<String, Object> claims, PrivateKey key) {
        String input = b64(Json.write(header)) + "." + b64(Json.write(claims));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64URL.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsecured JWS ({@code "alg":"none"}, empty signature), for negative tests. */
    static String unsecured(Map<String, Object> claims) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "none");
        header.put("typ", "JWT");
        return b64(Json.write(header)) + "." + b64(Json.write(claims)) + ".";
    }

    static boolean verifyRs256(Decoded jwt, PublicKey key) {
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key);
            rsa.update(jwt.signingInput());
            return rsa.verify(jwt.signature());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** One RSA key as a JWK, the way GitHub publishes its keys (n and e are unsigned big-endian, base64url). */
    static Map<String, Object> jwk(RSAPublicKey key, String kid) {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "RSA");
        jwk.put("alg", "RS256");
        jwk.put("use", "sig");
        jwk.put("kid", kid);
        jwk.put("n", B64URL.encodeToString(unsigned(key.getModulus())));
        jwk.put("e", B64URL.encodeToString(unsigned(key.getPublicExponent())));
        return jwk;
    }

    /** Parses a JWKS document into kid -> RSA public key (non-RSA keys are skipped). */
    public static Map<String, PublicKey> parseJwks(String jwksJson) {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        try {
            if (!(Json.parseObject(jwksJson).get("keys") instanceof List<?> list)) throw new IllegalArgumentException("no keys array");
            for (Object item : list) {
                if (!(item instanceof Map<?, ?> jwk) || !"RSA".equals(jwk.get("kty"))) continue;
                var spec = new RSAPublicKeySpec(
                        new BigInteger(1, B64URL_DECODER.decode((String) jwk.get("n"))),
                        new BigInteger(1, B64URL_DECODER.decode((String) jwk.get("e"))));
                keys.put(String.valueOf(jwk.get("kid")), KeyFactory.getInstance("RSA").generatePublic(spec));
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("bad JWKS", e);
        }
        return keys;
    }

    private static String b64(String json) {
        return B64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    // BigInteger.toByteArray() adds a leading sign byte that JWK must not carry.
    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes.length > 1 && bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }
}
