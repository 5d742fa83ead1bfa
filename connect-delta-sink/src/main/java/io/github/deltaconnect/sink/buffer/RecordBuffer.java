package io.github.deltaconnect.sink.buffer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Converted rows waiting for the next commit, bucketed by table partition value (so each bucket
 * becomes its own Parquet files), with the Kafka offset range each topic-partition contributed and
 * an estimate of the memory they hold.
 */
public final class RecordBuffer {

  private final Map<List<Object>, List<Object[]>> buckets = new LinkedHashMap<>();
  private final Map<TopicPartition, OffsetRange> ranges = new HashMap<>();
  private int records;
  private long bytes;
  private long firstAddedAtMs = -1;

  /**
   * Adds one row of {@code rowBytes} (see {@link SizeEstimator#row}); offsets of one
   * topic-partition must arrive in increasing order.
   */
  public void add(TopicPartition tp, long offset, List<Object> partitionValues, Object[] row,
      long rowBytes, long nowMs) {
    buckets.computeIfAbsent(partitionValues, k -> new ArrayList<>()).add(row);
    ranges.merge(tp, new OffsetRange(offset, offset), OffsetRange::extend);
    records++;
    bytes += rowBytes;
    if (firstAddedAtMs < 0) {
      firstAddedAtMs = nowMs;
    }
  }

  /**
   * Records that a topic-partition was consumed up to {@code offset} without adding a row (the
   * record went to the DLQ or was skipped by rule), so the commit still covers it.
   */
  public void consumed(TopicPartition tp, long offset, long nowMs) {
    ranges.merge(tp, new OffsetRange(offset, offset), OffsetRange::extend);
    if (firstAddedAtMs < 0) {
      firstAddedAtMs = nowMs;
    }
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  public int records() {
    return records;
  }

  public long bytes() {
    return bytes;
  }

  /** When the oldest buffered record arrived, or -1 when empty. */
  public long firstAddedAtMs() {
    return firstAddedAtMs;
  }

  public Map<List<Object>, List<Object[]>> buckets() {
    return Collections.unmodifiableMap(buckets);
  }

  public Map<TopicPartition, OffsetRange> offsetRanges() {
    return Collections.unmodifiableMap(ranges);
  }

  public void clear() {
    buckets.clear();
    ranges.clear();
    records = 0;
    bytes = 0;
    firstAddedAtMs = -1;
  }
}
