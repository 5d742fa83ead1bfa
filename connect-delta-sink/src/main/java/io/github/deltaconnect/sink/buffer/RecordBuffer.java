package io.github.deltaconnect.sink.buffer;

import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.types.StructType;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Converted rows waiting for the next commit, bucketed by table partition value (so each bucket
 * becomes its own Parquet files), with the Kafka offset range each topic-partition contributed and
 * the heap the buffered columns hold. Rows are stored column by column ({@link Column}), not as
 * the row objects they arrive as.
 */
public final class RecordBuffer {

  private final Map<List<Object>, Column.Struct> buckets = new LinkedHashMap<>();
  /** With an idempotency key: per bucket (in bucket order) the rows' keys, and all rows by key. */
  private final List<BucketKeys> keys = new java.util.ArrayList<>();
  /** Bucket number in {@link #keys} by bucket, looked up by identity (no list hashing). */
  private final Map<Column.Struct, Integer> bucketIndex = new java.util.IdentityHashMap<>();
  /** The table partition value of each entry of {@link #keys}. */
  private final List<List<Object>> keyBuckets = new java.util.ArrayList<>();
  private KeyTable keyTable;
  private int duplicates;
  /** Upserts: changes left out for being older than the batch's change of their key. */
  private int stale;
  /** Upserts: live changes that delete their key. */
  private int deletes;
  private Allocation allocation = new Allocation();
  /** The schema every buffered row has (rows of another shape need a new buffer). */
  private StructType schema;
  /** Per topic-partition: {first, last} offset, updated in place (one lookup per record). */
  private final Map<TopicPartition, long[]> ranges = new HashMap<>();
  private int records;
  private int tagged;
  private long firstAddedAtMs = -1;
  private long newestEventMs = Long.MIN_VALUE;
  /** The distinct record schemas per topic, when a registry_validation gate asks for them. */
  private final Map<String, java.util.Set<org.apache.kafka.connect.data.Schema>> recordSchemas =
      new LinkedHashMap<>();

  /**
   * Adds one row ({@code RowConverter}'s form, in {@code schema}'s column order); offsets of one
   * topic-partition must arrive in increasing order.
   */
  public void add(TopicPartition tp, long offset, List<Object> partitionValues, StructType schema,
      Object[] row, long nowMs) {
    append(tp, offset, partitionValues, schema, row, nowMs);
  }

  /** {@link #add}, returning the bucket the row went to. */
  private Column.Struct append(TopicPartition tp, long offset, List<Object> partitionValues,
      StructType schema, Object[] row, long nowMs) {
    if (schema != this.schema) {
      if (!buckets.isEmpty()) {
        throw new IllegalStateException("rows of schema " + schema + " added to a buffer of "
            + this.schema + "; commit the buffer first");
      }
      this.schema = schema;
    }
    Column.Struct bucket = buckets.get(partitionValues);
    if (bucket == null) {
      bucket = new Column.Struct(schema, allocation);
      buckets.put(partitionValues, bucket);
    }
    bucket.append(row);
    track(tp, offset);
    records++;
    if (firstAddedAtMs < 0) {
      firstAddedAtMs = nowMs;
    }
    return bucket;
  }

  /**
   * Adds one row with its idempotency key (hash {@code hi}/{@code lo}, record time {@code ts}),
   * unless the batch holds a row with that key: then {@code keepLast} decides whether the new row
   * replaces it or is dropped. Returns false when the new row was dropped (its offset still counts
   * as consumed). Every row of a buffer is added through this method, or none.
   */
  public boolean addKeyed(TopicPartition tp, long offset, List<Object> partitionValues,
      StructType schema, Object[] row, long nowMs, long hi, long lo, long ts, boolean keepLast) {
    long existing = find(hi, lo);
    if (existing >= 0) {
      duplicates++;
      if (!keepLast) {
        consumed(tp, offset, nowMs);
        return false;
      }
      replace(existing);
    }
    store(tp, offset, partitionValues, schema, row, nowMs, hi, lo, ts, false);
    return true;
  }

  /** The order of a change that has none (a tombstone): it applies over whatever it follows. */
  public static final long UNORDERED = Long.MIN_VALUE;

  /**
   * Upserts: adds the change of the key hashed {@code hi}/{@code lo} with ordering value
   * {@code order} ({@link #UNORDERED} for none); {@code delete}: the change deletes the key, and
   * {@code row} only carries its key. The batch keeps one change per key: a change replaces the
   * buffered one unless its order is lower (then it is left out, counted as stale, and false
   * returned); an unordered change takes the order of the change it replaces.
   */
  public boolean addChange(TopicPartition tp, long offset, List<Object> partitionValues,
      StructType schema, Object[] row, long nowMs, long hi, long lo, long order, boolean delete) {
    long existing = find(hi, lo);
    if (existing >= 0) {
      long before = keys.get((int) (existing >>> 32)).ts.get((int) existing);
      if (order == UNORDERED) {
        order = before;
      } else if (before != UNORDERED && order < before) {
        stale++;
        consumed(tp, offset, nowMs);
        return false;
      }
      duplicates++;
      replace(existing);
    }
    store(tp, offset, partitionValues, schema, row, nowMs, hi, lo, order, delete);
    return true;
  }

  /** The buffered row of a key, as bucket number (high half) and row (low half); or -1. */
  public long find(long hi, long lo) {
    if (keyTable == null) {
      if (!buckets.isEmpty()) {
        throw new IllegalStateException("keyed row added to a buffer of unkeyed rows");
      }
      keyTable = new KeyTable(allocation);
    }
    return keyTable.find(hi, lo, keyView);
  }

  private void replace(long ref) {
    BucketKeys old = keys.get((int) (ref >>> 32));
    old.replaced.set((int) ref);
    if (old.deleted.get((int) ref)) {
      deletes--;
    }
    records--;
  }

  private void store(TopicPartition tp, long offset, List<Object> partitionValues,
      StructType schema, Object[] row, long nowMs, long hi, long lo, long ts, boolean delete) {
    Column.Struct bucket = append(tp, offset, partitionValues, schema, row, nowMs);
    int b = bucketIndex.computeIfAbsent(bucket, k -> {
      keys.add(new BucketKeys(allocation));
      keyBuckets.add(partitionValues);
      return keys.size() - 1;
    });
    BucketKeys bk = keys.get(b);
    bk.hi.add(hi);
    bk.lo.add(lo);
    bk.ts.add(ts);
    if (delete) {
      bk.deleted.set(bk.size() - 1);
      deletes++;
    }
    keyTable.put(hi, lo, ((long) b << 32) | (bk.size() - 1), keyView);
  }

  /** The table partition value of bucket number {@code b} (as in {@link #find}). */
  public List<Object> bucketValues(int b) {
    return keyBuckets.get(b);
  }

  /** How many buckets hold keyed rows (numbered as in {@link #find}, in {@link #batches} order). */
  public int bucketCount() {
    return keys.size();
  }

  /** The keys of bucket number {@code b} (as in {@link #find}). */
  public BucketKeys bucketKeys(int b) {
    return keys.get(b);
  }

  /** Upserts: changes left out for being older than the batch's change of their key. */
  public int stale() {
    return stale;
  }

  /** Upserts: live changes that delete their key (counted in {@link #records}). */
  public int deletes() {
    return deletes;
  }

  private final KeyTable.Keys keyView = new KeyTable.Keys() {
    @Override
    public long hi(long ref) {
      return keys.get((int) (ref >>> 32)).hi.get((int) ref);
    }

    @Override
    public long lo(long ref) {
      return keys.get((int) (ref >>> 32)).lo.get((int) ref);
    }
  };

  /** Whether rows carry idempotency keys ({@link #addKeyed}). */
  public boolean keyed() {
    return keyTable != null;
  }

  /** The keys of each bucket, in {@link #batches()} order (empty when not keyed). */
  public Map<List<Object>, BucketKeys> keys() {
    Map<List<Object>, BucketKeys> out = new LinkedHashMap<>();
    buckets.forEach((values, bucket) -> {
      Integer b = bucketIndex.get(bucket);
      if (b != null) {
        out.put(values, keys.get(b));
      }
    });
    return Collections.unmodifiableMap(out);
  }

  /** Records dropped or replaced because a later one of the batch had the same key. */
  public int duplicates() {
    return duplicates;
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

  /** The first offset buffered for the partition, or -1. */
  public long firstOffset(TopicPartition tp) {
    long[] range = ranges.get(tp);
    return range == null ? -1 : range[0];
  }

  /** The last offset buffered for the partition, or -1. */
  public long lastOffset(TopicPartition tp) {
    long[] range = ranges.get(tp);
    return range == null ? -1 : range[1];
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** Rows to commit: a row replaced by a later one with the same key does not count. */
  public int records() {
    return records;
  }

  /**
   * Notes the Connect schema of a record just added (null for a schemaless record). Callers skip
   * the call while topic and schema instance stay the same, so this runs once per run of records.
   */
  public void noteRecordSchema(String topic, org.apache.kafka.connect.data.Schema schema) {
    recordSchemas.computeIfAbsent(topic, t -> new java.util.HashSet<>()).add(schema);
  }

  /** The record schemas noted per topic ({@link #noteRecordSchema}). */
  public Map<String, java.util.Set<org.apache.kafka.connect.data.Schema>> recordSchemas() {
    return Collections.unmodifiableMap(recordSchemas);
  }

  /** Counts the row just added as one a quality rule tagged (for data_quality_score). */
  public void markTagged() {
    tagged++;
  }

  /** Buffered rows that carried a quality rule's violation tag. */
  public int tagged() {
    return tagged;
  }

  /** Heap held by the buffered rows (their columns' arrays, as allocated). */
  public long bytes() {
    return allocation.bytes();
  }

  /** Notes the Kafka record time of a record the batch covers (row, DLQ or skip alike). */
  public void noteEventTime(long eventMs) {
    if (eventMs > newestEventMs) {
      newestEventMs = eventMs;
    }
  }

  /** The newest record time noted, or Long.MIN_VALUE. */
  public long newestEventMs() {
    return newestEventMs;
  }

  /** When the oldest buffered record arrived, or -1 when empty. */
  public long firstAddedAtMs() {
    return firstAddedAtMs;
  }

  /** The schema of the buffered rows, or null when no row was added. */
  public StructType schema() {
    return schema;
  }

  /** The buffered rows per table partition value, as batches the Parquet writer reads in place. */
  public Map<List<Object>, ColumnarBatch> batches() {
    Map<List<Object>, ColumnarBatch> out = new LinkedHashMap<>();
    buckets.forEach((key, rows) -> out.put(key, new ColumnBatch(schema, rows)));
    return Collections.unmodifiableMap(out);
  }

  /** The offset range of every topic-partition in the batch (a copy). */
  public Map<TopicPartition, OffsetRange> offsetRanges() {
    Map<TopicPartition, OffsetRange> out = new HashMap<>();
    ranges.forEach((tp, r) -> out.put(tp, new OffsetRange(r[0], r[1])));
    return Collections.unmodifiableMap(out);
  }

}
