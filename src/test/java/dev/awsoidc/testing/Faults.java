package dev.awsoidc.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Scripted misbehaviour, consumed one entry per request before normal handling. */
final class Faults {
    sealed interface Fault {}

    /** Answer with this status (and, for STS, this error code/message). */
    record Fail(int status, String code, String message) implements Fault {}

    /** Sleep, then handle the request normally. */
    record Delay(Duration duration) implements Fault {}

    /** Drop the connection without a response. */
    record Reset() implements Fault {}

    /** Answer with exactly this status, Content-Type (null: none) and body (may be empty). */
    record Raw(int status, String contentType, String body) implements Fault {}

    /** Read the request and never answer (until the server closes). */
    record Hang() implements Fault {}

    /** Handle the request normally, send the headers and the first {@code fraction} of the body, then drop the connection. */
    record Truncate(double fraction) implements Fault {}

    /** Handle the request normally, but leave this element out of a successful reply. */
    record Strip(String element) implements Fault {}

    /**
     * Plays a fault that both emulators play alike: a delay (then the request is handled as usual), a reset, a raw
     * answer, a hang. True when the exchange is done with and must not be answered; a Fail, a Truncate and a Strip
     * are left to the emulator, whose answers they shape.
     */
    static boolean answered(Fault fault, HttpExchange exchange) throws IOException {
        switch (fault) {
            case Delay d -> OidcIssuer.sleep(d.duration());
            case Reset r -> {
                LocalServer.reset(exchange);
                return true;
            }
            case Raw r -> {
                LocalServer.sendRaw(exchange, r.status(), r.contentType(), r.body());
                return true;
            }
            case Hang h -> {
                LocalServer.hang();
                return true;
            }
            case null, default -> {}
        }
        return false;
    }

    private final Queue<Fault> queue = new ConcurrentLinkedQueue<>();

    void add(Fault fault, int times) {
        for (int i = 0; i < times; i++) queue.add(fault);
    }

    Fault poll() {
        return queue.poll();
    }

    int pending() {
        return queue.size();
    }

    void clear() {
        queue.clear();
    }
}
