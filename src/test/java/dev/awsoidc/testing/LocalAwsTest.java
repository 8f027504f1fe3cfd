package dev.awsoidc.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs LocalAws as scripts do: a separate JVM, KEY=VALUE lines then READY on stdout, exit on stdin EOF. */
class LocalAwsTest {
    @Test
    @Timeout(60)
    void printsTheEnvironmentServesAndExitsWhenStdinCloses() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LocalAws.class.getName(), "--until-stdin-closes")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            Map<String, String> env = new LinkedHashMap<>();
            String line;
            while ((line = out.readLine()) != null && !line.equals("READY")) {
                int eq = line.indexOf('=');
                assertTrue(eq > 0, "not KEY=VALUE: " + line);
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
            assertEquals("READY", line);
            assertTrue(env.get("ACTIONS_ID_TOKEN_REQUEST_URL").matches("http://127\\.0\\.0\\.1:\\d+/token\\?api-version=2\\.0"));
            assertNotNull(env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN"));
            assertTrue(env.get("AWS_ENDPOINT_URL_STS").matches("http://127\\.0\\.0\\.1:\\d+"));

            var token = TestHttp.get(env.get("ACTIONS_ID_TOKEN_REQUEST_URL") + "&audience=sts.amazonaws.com",
                    "Authorization", "Bearer " + env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN"));
            assertEquals(200, token.statusCode());
            var assumed = TestHttp.postForm(env.get("AWS_ENDPOINT_URL_STS"), Map.of("Action", "AssumeRoleWithWebIdentity",
                    "Version", "2011-06-15", "RoleArn", LocalAws.ROLE_ARN, "RoleSessionName", "local",
                    "WebIdentityToken", (String) Json.parseObject(token.body()).get("value")));
            assertEquals(200, assumed.statusCode(), assumed.body());
            assertEquals("arn:aws:sts::111122223333:assumed-role/deploy/local", TestHttp.text(TestHttp.xml(assumed.body()), "Arn"));

            process.getOutputStream().close();
            assertTrue(process.waitFor(15, TimeUnit.SECONDS), "LocalAws did not exit after stdin closed");
            assertEquals(0, process.exitValue());
        } finally {
            process.destroyForcibly();
        }
    }
}
