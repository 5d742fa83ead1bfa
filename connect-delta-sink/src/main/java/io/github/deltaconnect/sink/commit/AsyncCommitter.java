package io.github.deltaconnect.sink.commit;

import io.delta.kernel.types.StructType;
import io.github.deltaconnect.sink.buffer.FlushPolicy;
import io.github.deltaconnect.sink.buffer.RecordBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Commits one batch on a background thread while the task buffers the next, so Parquet encoding
 * and the Delta commit overlap with consuming and converting instead of stalling them. At most one
 * batch is in flight: handing over another first waits for it. Batches therefore commit in order,
 * and the task learns each outcome (committed, fenced, failed) before it commits again. Not
 * thread-safe: the caller serialises access (the task's lock).
 */
public final class AsyncCommitter implements AutoCloseable {

  /** A full buffer handed over; nothing adds to it any more. */
  public record Batch(RecordBuffer buffer, StructType schema, List<String> partitionColumns,
      FlushPolicy.Reason reason, long bufferingMs) {}

  /** A batch's outcome, how long its commit took, and the CPU its thread spent (ns; 0 unknown). */
  public record Done(Batch batch, BatchCommitter.Outcome outcome, long millis, long cpuNanos) {

    public Done(Batch batch, BatchCommitter.Outcome outcome, long millis) {
      this(batch, outcome, millis, 0);
    }
  }

  private final BatchCommitter committer;
  private final LongSupplier clock;
  private final ExecutorService thread;
  private Batch pending;
  private Future<Done> future;

  public AsyncCommitter(BatchCommitter committer, String threadName, LongSupplier clock) {
    this.committer = committer;
    this.clock = clock;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts committing {@code batch}; the previous one must have been taken. */
  public void submit(Batch batch) {
    if (pending != null) {
      throw new IllegalStateException("a batch is already in flight");
    }
    pending = batch;
    future = thread.submit(() -> {
      long start = clock.getAsLong();
      long cpu = io.github.deltaconnect.sink.metrics.SinkMetrics.threadCpuNanos();
      BatchCommitter.Outcome outcome =
          committer.commit(batch.buffer(), batch.schema(), batch.partitionColumns());
      return new Done(batch, outcome, clock.getAsLong() - start,
          io.github.deltaconnect.sink.metrics.SinkMetrics.threadCpuNanos() - cpu);
    });
  }

  public boolean busy() {
    return pending != null;
  }

  /** Memory still held by the batch in flight (counts against the task's budget). */
  public long pendingBytes() {
    return pending == null ? 0 : pending.buffer().bytes();
  }

  /** When the oldest record of the batch in flight arrived, or -1 when none is in flight. */
  public long pendingSinceMs() {
    return pending == null ? -1 : pending.buffer().firstAddedAtMs();
  }

  /** The first offset of {@code tp} in the batch in flight, or -1. */
  public long pendingFirstOffset(TopicPartition tp) {
    return pending == null ? -1 : pending.buffer().firstOffset(tp);
  }

  /** The last offset of {@code tp} in the batch in flight, or -1. */
  public long pendingLastOffset(TopicPartition tp) {
    return pending == null ? -1 : pending.buffer().lastOffset(tp);
  }

  /** The batch in flight if it has finished; empty if none is in flight or it is still running. */
  public Optional<Done> poll() {
    if (future == null || !future.isDone()) {
      return Optional.empty();
    }
    return Optional.of(take());
  }

  /** Waits for the batch in flight, if any. A failed commit is rethrown here. */
  public Optional<Done> await() {
    if (future == null) {
      return Optional.empty();
    }
    return Optional.of(take());
  }

  private Done take() {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        // As a ConnectException, so the task records it as its failure like any other.
        throw new ConnectException("Delta commit failed: " + err, err);
      }
      throw new ConnectException("Delta commit failed", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException("Interrupted while waiting for a Delta commit", e);
    } finally {
      pending = null;
      future = null;
    }
  }

  /** Stops the thread; a commit still running finishes or fails on its own (offsets decide). */
  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
