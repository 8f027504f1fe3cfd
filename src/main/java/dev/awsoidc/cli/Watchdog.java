package dev.awsoidc.cli;

import java.time.Duration;
import java.util.Optional;

/**
 * Enforces {@code action-timeout-s}: when it runs out, reports and halts the process with exit code 1. The
 * final writes first {@link #claimFinish() claim} the finish, after which the watchdog can no longer fire, so
 * a timeout can never cut an export in half.
 */
final class Watchdog implements AutoCloseable {
  private final Object lock = new Object();
  private boolean finished;
  private final Thread thread;

  private Watchdog(Optional<Duration> timeout, Runnable onTimeout) {
    if (timeout.isEmpty()) {
      thread = null;
      return;
    }
    thread = Thread.ofPlatform().daemon().name("action-timeout").unstarted(() -> {
      try {
        Thread.sleep(timeout.get());
      } catch (InterruptedException e) {
        return;
      }
      synchronized (lock) {
        if (finished) return;
        finished = true;
        onTimeout.run();
        Runtime.getRuntime().halt(1);
      }
    });
    thread.start();
  }

  static Watchdog start(Optional<Duration> timeout, Runnable onTimeout) {
    return new Watchdog(timeout, onTimeout);
  }

  /** True if the caller may go on to the final writes; false if the timeout already fired. */
  boolean claimFinish() {
    synchronized (lock) {
      if (finished) return false;
      finished = true;
      return true;
    }
  }

  @Override
  public void close() {
    claimFinish();
    if (thread != null) thread.interrupt();
  }
}
