package io.github.deltaconnect.sink.delivery;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Calls that must never hold a task back (webhooks, lineage events): one daemon thread the task
 * owns behind a bounded queue, and counts of what went out and what did not (a call that fails,
 * or one refused because the queue is full or closed). {@link #close} waits a bounded time for
 * what is queued, then stops the thread.
 */
public final class Outbox implements AutoCloseable {
  private final ThreadPoolExecutor thread;
  private final Duration closeWait;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  public Outbox(String threadName, int capacity, Duration closeWait) {
    this.closeWait = closeWait;
    this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(capacity), r -> {
          Thread t = new Thread(r, threadName);
          t.setDaemon(true);
          return t;
        });
  }

  /** Queues {@code call} (true: delivered); false when it could not even be queued. */
  public boolean submit(BooleanSupplier call) {
    try {
      thread.execute(() -> {
        if (call.getAsBoolean()) {
          sent.incrementAndGet();
        } else {
          failed.incrementAndGet();
        }
      });
      return true;
    } catch (RejectedExecutionException full) {
      failed.incrementAndGet();
      return false;
    }
  }

  /** Counts a call that failed before it could be queued. */
  public void failedBeforeQueue() {
    failed.incrementAndGet();
  }

  public long sent() {
    return sent.get();
  }

  public long failed() {
    return failed.get();
  }

  /** Whether everything queued went out (or failed) within the wait. */
  public boolean drain() {
    thread.shutdown();
    try {
      return thread.awaitTermination(closeWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      thread.shutdownNow();
    }
  }

  @Override
  public void close() {
    drain();
  }
}
