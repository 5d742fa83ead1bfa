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
  /** Per topic-partition: {first, last} offset, updated in place (one lookup per record). */
  private final Map<TopicPartition, long[]> ranges = new HashMap<>();
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
    track(tp, offset);
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
    track(tp, offset);
    if (firstAddedAtMs < 0) {
      firstAddedAtMs = nowMs;
    }
  }

  private void track(TopicPartition tp, long offset) {
    long[] range = ranges.get(tp);
    if (range == null) {
      ranges.put(tp, new long[] {offset, offset});
    } else {
      range[0] = Math.min(range[0], offset);
      range[1] = Math.max(range[1], offset);
    }
  }

  /** The last offset buffered for the partition, or -1. */
  public long lastOffset(TopicPartition tp) {
    long[] range = ranges.get(tp);
    return range == null ? -1 : range[1];
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

  /** The offset range of every topic-partition in the batch (a copy). */
  public Map<TopicPartition, OffsetRange> offsetRanges() {
    Map<TopicPartition, OffsetRange> out = new HashMap<>();
    ranges.forEach((tp, r) -> out.put(tp, new OffsetRange(r[0], r[1])));
    return Collections.unmodifiableMap(out);
  }

  public void clear() {
    buckets.clear();
    ranges.clear();
    records = 0;
    bytes = 0;
    firstAddedAtMs = -1;
  }
}
