package io.github.deltaconnect.e2e;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls until a condition yields a value, failing with a message after a deadline. */
public final class Waits {
  private Waits() {}

  public static <T> T until(Duration timeout, Callable<T> probe, String failure) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        T value = probe.call();
        if (value != null) {
          return value;
        }
      } catch (Exception e) {
        last = e; // e.g. the table does not exist yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError(failure + " within " + timeout, last);
  }
}
