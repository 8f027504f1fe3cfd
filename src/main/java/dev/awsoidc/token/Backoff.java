package dev.awsoidc.token;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter: retry n waits between half and all of min(cap, base * 2^n), so
 * retries spread out but never fire back to back.
 */
public record Backoff(Duration base, Duration cap) {

  public Duration delayBefore(int retry) {
    long ceiling = Math.min(cap.toMillis(), base.toMillis() << Math.min(retry, 20));
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
  }
}
