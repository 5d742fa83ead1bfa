package io.github.deltaconnect.sink.errors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Sends records the sink cannot write to Connect's dead-letter queue, and remembers the pending
 * sends: {@link ErrantRecordReporter#report} is asynchronous, and a commit must not store offsets
 * covering a record whose DLQ write could still be lost.
 */
public final class ErrantRecords {
  private final ErrantRecordReporter reporter;
  private final List<Future<Void>> pending = new ArrayList<>();
  private long reported;

  /** {@code reporter} is null when the worker has no DLQ support or none is configured. */
  public ErrantRecords(ErrantRecordReporter reporter) {
    this.reporter = reporter;
  }

  /** Reports the record, or fails the task naming the record and reason if there is no DLQ. */
  public void report(SinkRecord record, Exception reason) {
    if (reporter == null) {
      throw new ConnectException(describe(record) + ": " + reason.getMessage(), reason);
    }
    try {
      pending.add(reporter.report(record, reason));
      reported++;
    } catch (RuntimeException e) {
      // errors.tolerance=none: Connect refuses the report; fail with the record's coordinates.
      throw new ConnectException(describe(record) + ": " + reason.getMessage(), reason);
    }
  }

  /** Blocks until every reported record is acknowledged by the DLQ topic. */
  public void awaitAll() {
    try {
      for (Future<Void> f : pending) {
        f.get();
      }
      pending.clear();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException("interrupted while waiting for dead-letter queue writes", e);
    } catch (ExecutionException e) {
      throw new ConnectException("a dead-letter queue write failed; not committing", e.getCause());
    }
  }

  public long reported() {
    return reported;
  }

  /** The worker's DLQ reporter, or null on workers older than 2.6 (which have none). */
  public static ErrantRecordReporter reporterOf(org.apache.kafka.connect.sink.SinkTaskContext ctx) {
    try {
      return ctx.errantRecordReporter();
    } catch (NoSuchMethodError | NoClassDefFoundError e) {
      return null;
    }
  }

  public static String describe(SinkRecord record) {
    return "record " + record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
  }
}
