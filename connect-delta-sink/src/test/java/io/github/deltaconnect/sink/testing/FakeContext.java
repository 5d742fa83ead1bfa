package io.github.deltaconnect.sink.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/** A SinkTaskContext that records rewinds and dead-lettered records, for unit tests. */
public final class FakeContext implements SinkTaskContext {
  public final Map<TopicPartition, Long> offsets = new HashMap<>();
  public final List<SinkRecord> dlq = new ArrayList<>();
  public final List<Throwable> dlqReasons = new ArrayList<>();
  private final boolean withDlq;
  /** Makes every DLQ write's future fail, as when the DLQ topic cannot be written. */
  public boolean failDlqWrites;
  /** When set, every DLQ write returns this future: it completes when the test says so. */
  public Late lateDlqWrite;
  /** When set, waiting for a DLQ write throws this (as a broken client could). */
  public Error dlqWaitError;

  /** A DLQ write acknowledged late; {@link #awaited} opens once the sink waits for it. */
  public static final class Late extends CompletableFuture<Void> {
    public final java.util.concurrent.CountDownLatch awaited = new java.util.concurrent.CountDownLatch(1);

    @Override
    public Void get() throws InterruptedException, java.util.concurrent.ExecutionException {
      awaited.countDown();
      return super.get();
    }

    @Override
    public Void get(long timeout, java.util.concurrent.TimeUnit unit)
        throws InterruptedException, java.util.concurrent.ExecutionException,
        java.util.concurrent.TimeoutException {
      awaited.countDown();
      return super.get(timeout, unit);
    }
  }

  public FakeContext(boolean withDlq) {
    this.withDlq = withDlq;
  }

  @Override
  public Map<String, String> configs() {
    return Map.of();
  }

  @Override
  public void offset(Map<TopicPartition, Long> offsets) {
    this.offsets.putAll(offsets);
  }

  @Override
  public void offset(TopicPartition tp, long offset) {
    offsets.put(tp, offset);
  }

  @Override
  public void timeout(long timeoutMs) {}

  @Override
  public Set<TopicPartition> assignment() {
    return Collections.emptySet();
  }

  @Override
  public void pause(TopicPartition... partitions) {}

  @Override
  public void resume(TopicPartition... partitions) {}

  @Override
  public void requestCommit() {}

  @Override
  public ErrantRecordReporter errantRecordReporter() {
    if (!withDlq) {
      return null;
    }
    return (record, error) -> {
      dlq.add(record);
      dlqReasons.add(error);
      if (lateDlqWrite != null) {
        return lateDlqWrite;
      }
      if (dlqWaitError != null) {
        Error thrown = dlqWaitError;
        return new CompletableFuture<Void>() {
          @Override
          public Void get() {
            throw thrown;
          }
        };
      }
      if (failDlqWrites) {
        CompletableFuture<Void> failed = new CompletableFuture<>();
        failed.completeExceptionally(new RuntimeException("DLQ topic unavailable"));
        return failed;
      }
      Future<Void> done = CompletableFuture.completedFuture(null);
      return done;
    };
  }
}
