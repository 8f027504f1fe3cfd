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
