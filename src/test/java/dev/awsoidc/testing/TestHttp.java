package dev.awsoidc.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** Plain java.net.http helpers for the emulator tests (deliberately not the product's HTTP code). */
final class TestHttp {
    static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private TestHttp() {}

    static HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
        var builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (headers.length > 0) builder.headers(headers);
        return CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> postForm(String url, Map<String, String> params, String... headers) throws IOException, InterruptedException {
        return postForm(url, form(params), headers);
    }

    static HttpResponse<String> postForm(String url, String body, String... headers) throws IOException, InterruptedException {
        var builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) builder.headers(headers);
        return CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String form(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static Document xml(String body) {
        try {
            var factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError("not XML: " + body, e);
        }
    }

    /** Text of the single element with this local name in the STS namespace, or null. */
    static String text(Document doc, String localName) {
        NodeList nodes = doc.getElementsByTagNameNS(StsEmulator.NAMESPACE, localName);
        if (nodes.getLength() > 1) throw new AssertionError("more than one " + localName);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent();
    }
}
