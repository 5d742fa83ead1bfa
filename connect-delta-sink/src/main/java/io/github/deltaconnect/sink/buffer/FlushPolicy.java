package io.github.deltaconnect.sink.buffer;

import java.util.Optional;

/** Decides when buffered records become a commit: by count, bytes, memory budget or age. */
public final class FlushPolicy {

  /** Why a batch was committed; also a metrics label. */
  public enum Reason {
    RECORDS,
    BYTES,
    MEMORY,
    INTERVAL,
    CLOSE,
    SCHEMA,
    STOP
  }

  private final int maxRecords;
  private final long maxBytes;
  private final long memoryBudget;
  private final long intervalMs;

  public FlushPolicy(int maxRecords, long maxBytes, long memoryBudget, long intervalMs) {
    this.maxRecords = maxRecords;
    this.maxBytes = maxBytes;
    this.memoryBudget = memoryBudget;
    this.intervalMs = intervalMs;
  }

  public Optional<Reason> due(RecordBuffer buffer, long nowMs) {
    if (buffer.isEmpty()) {
      return Optional.empty();
    }
    if (buffer.records() >= maxRecords) {
      return Optional.of(Reason.RECORDS);
    }
    if (buffer.bytes() >= memoryBudget) {
      return Optional.of(Reason.MEMORY);
    }
    if (buffer.bytes() >= maxBytes) {
      return Optional.of(Reason.BYTES);
    }
    if (nowMs - buffer.firstAddedAtMs() >= intervalMs) {
      return Optional.of(Reason.INTERVAL);
    }
    return Optional.empty();
  }

  /** Whether adding {@code rowBytes} would take a non-empty buffer past the memory budget. */
  public boolean wouldExceedBudget(RecordBuffer buffer, long rowBytes) {
    return !buffer.isEmpty() && buffer.bytes() + rowBytes > memoryBudget;
  }

  public long intervalMs() {
    return intervalMs;
  }
}
