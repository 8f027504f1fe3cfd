package dev.awsoidc.testing;

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
