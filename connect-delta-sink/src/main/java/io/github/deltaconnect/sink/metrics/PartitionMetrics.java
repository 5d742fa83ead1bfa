package io.github.deltaconnect.sink.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Per topic-partition gauges: what the table holds against what was read and what the log has.
 * The end offset comes from the worker's consumer (its records-lag, measured from the consumer's
 * position, which is the offset after the last record handed to the task), so no client of our own
 * has to reach the brokers.
 */
public final class PartitionMetrics implements PartitionMetricsMBean {
  private final AtomicLong tableOffset = new AtomicLong(-1);
  private final AtomicLong lastRead = new AtomicLong(-1);
  private final LongSupplier recordsLag;

  /** {@code recordsLag}: the consumer's lag past its position, or -1 when unknown. */
  PartitionMetrics(LongSupplier recordsLag) {
    this.recordsLag = recordsLag;
  }

  /** The table holds the partition below {@code next}. */
  public void tableOffset(long next) {
    tableOffset.accumulateAndGet(next, Math::max);
  }

  /** Offsets may go back (a replay after the offsets API rewrote them). */
  public void resetTableOffset(long next) {
    tableOffset.set(next);
  }

  public void read(long offset) {
    lastRead.accumulateAndGet(offset, Math::max);
  }

  @Override
  public long getTableOffset() {
    return tableOffset.get();
  }

  @Override
  public long getLastReadOffset() {
    return lastRead.get();
  }

  @Override
  public long getPendingRecords() {
    long table = tableOffset.get();
    long read = lastRead.get();
    return read < 0 ? 0 : Math.max(0, read + 1 - Math.max(table, 0));
  }

  @Override
  public long getLogEndOffset() {
    long lag = recordsLag.getAsLong();
    long read = lastRead.get();
    if (lag < 0) {
      return -1;
    }
    // Nothing read yet: the consumer's position is where the table resumes.
    long position = read >= 0 ? read + 1 : tableOffset.get();
    return position < 0 ? -1 : position + lag;
  }

  @Override
  public long getLag() {
    long end = getLogEndOffset();
    long table = tableOffset.get();
    return end < 0 || table < 0 ? -1 : Math.max(0, end - table);
  }
}
