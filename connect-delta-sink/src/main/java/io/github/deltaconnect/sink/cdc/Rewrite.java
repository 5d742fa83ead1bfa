package io.github.deltaconnect.sink.cdc;

import io.delta.kernel.Scan;
import io.delta.kernel.ScanBuilder;
import io.delta.kernel.Snapshot;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.expressions.And;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.expressions.Predicate;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.StructType;
import io.github.deltaconnect.sink.buffer.BucketKeys;
import io.github.deltaconnect.sink.buffer.RecordBuffer;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.dedup.KeyColumns;
import io.github.deltaconnect.sink.dedup.KeyHasher;
import io.github.deltaconnect.sink.dedup.KeyIndex;
import io.github.deltaconnect.sink.dedup.Segment;
import io.github.deltaconnect.sink.dedup.Scalars;
import io.github.deltaconnect.sink.write.DataFiles;
import io.github.deltaconnect.sink.write.KeptRows;
import io.github.deltaconnect.sink.write.ParquetFiles;
import io.github.deltaconnect.sink.write.TableFiles;
import io.github.deltaconnect.sink.write.PartitionValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A batch of changes applied copy-on-write to one snapshot: the data files that may hold a changed
 * key (pruned by the statistics of the first key column) are read; a file holding one is removed
 * and its other rows are written anew into a file of their own; and the batch's rows to add are picked:
 * upserts, not deletes, not changes older than the row the table holds for their key.
 * Removes are made by {@link TableFiles} (Kernel 4.4 has no public API for them).
 */
public record Rewrite(List<Row> removes, DataFiles files, Map<List<Object>, int[]> selected,
    int updated, int deleted, int stale, long copied, Segment deletedKeys) {

  /** Rows of the batch written (its upserts not left out as stale). */
  public long upserted() {
    long n = 0;
    for (int[] rows : selected.values()) {
      n += rows.length;
    }
    return n;
  }

  /** Above this many distinct key values, the file filter is a union of ranges, not values. */
  static final int MAX_FILTER_TERMS = 256;

  /**
   * Plans the batch's changes against {@code snapshot} (empty: the batch creates the table), and
   * writes the rewritten files through {@code writer} in the transaction whose state is given.
   */
  /**
   * With {@code deletes} (the orders of keys deleted before, synced to the snapshot; null: none
   * kept), a change of a key the table no longer holds that is older than the key's delete is
   * stale, and {@link #deletedKeys} holds the batch's deletes with their orders (time range
   * {@code nowMs}).
   */
  public static Rewrite plan(Engine engine, Optional<Snapshot> snapshot, Row txnState,
      StructType txnSchema, ParquetFiles writer, RecordBuffer buffer, List<String> key,
      String orderColumn, List<String> partitionColumns, KeyIndex deletes, long nowMs) {
    Map<List<Object>, ColumnarBatch> batches = buffer.batches();
    Set<Long> stale = new HashSet<>();
    Set<Long> found = new HashSet<>();
    List<Row> removes = new ArrayList<>();
    List<DataFiles> written = new ArrayList<>();
    int[] counts = new int[2]; // updated, deleted
    // Nothing to look for when the batch holds no change (all its records went to the DLQ).
    long copied = snapshot.isEmpty() || buffer.records() == 0 ? 0 : rewriteFiles(engine, snapshot.get(), txnState,
        txnSchema, writer, buffer, batches, key, orderColumn, partitionColumns, stale, found,
        removes, written, counts);
    if (deletes != null) {
      staleAfterDeletes(buffer, deletes, found, stale);
    }
    Map<List<Object>, int[]> selected = new LinkedHashMap<>();
    for (int b = 0; b < buffer.bucketCount(); b++) {
      BucketKeys keys = buffer.bucketKeys(b);
      int[] rows = new int[keys.size()];
      int n = 0;
      for (int row = 0; row < keys.size(); row++) {
        if (keys.live(row) && !keys.deleted(row) && !stale.contains(((long) b << 32) | row)) {
          rows[n++] = row;
        }
      }
      selected.put(buffer.bucketValues(b), Arrays.copyOf(rows, n));
    }
    return new Rewrite(removes, DataFiles.concat(written), selected, counts[0], counts[1],
        stale.size(), copied, deletes == null ? Segment.of(new long[0], new long[0], 0, 0, 0)
            : deletedKeys(buffer, nowMs));
  }

  /**
   * Marks stale the upserts of keys the table does not hold whose order is below the order of
   * the key's last delete: a late change must not bring a deleted row back.
   */
  private static void staleAfterDeletes(RecordBuffer buffer, KeyIndex deletes, Set<Long> found,
      Set<Long> stale) {
    int n = 0;
    long[] hi = new long[buffer.records()];
    long[] lo = new long[buffer.records()];
    long[] refs = new long[buffer.records()];
    for (int b = 0; b < buffer.bucketCount(); b++) {
      BucketKeys keys = buffer.bucketKeys(b);
      for (int row = 0; row < keys.size(); row++) {
        long ref = ((long) b << 32) | row;
        if (keys.live(row) && !keys.deleted(row) && keys.order(row) != RecordBuffer.UNORDERED
            && !found.contains(ref) && !stale.contains(ref)) {
          hi[n] = keys.hi(row);
          lo[n] = keys.lo(row);
          refs[n] = ref;
          n++;
        }
      }
    }
    if (n == 0) {
      return;
    }
    Segment held = deletes.held(Segment.of(hi, lo, n, 0, 0));
    for (int i = 0; i < n && held.size() > 0; i++) {
      BucketKeys keys = buffer.bucketKeys((int) (refs[i] >>> 32));
      long deletedAt = held.value(hi[i], lo[i]);
      if (deletedAt != Segment.ABSENT && keys.order((int) refs[i]) < deletedAt) {
        stale.add(refs[i]);
      }
    }
  }

  /** The batch's deletes that carry an order, each key with it. */
  private static Segment deletedKeys(RecordBuffer buffer, long nowMs) {
    int n = 0;
    long[] hi = new long[buffer.deletes()];
    long[] lo = new long[buffer.deletes()];
    long[] order = new long[buffer.deletes()];
    for (int b = 0; b < buffer.bucketCount(); b++) {
      BucketKeys keys = buffer.bucketKeys(b);
      for (int row = 0; row < keys.size(); row++) {
        if (keys.live(row) && keys.deleted(row) && keys.order(row) != RecordBuffer.UNORDERED) {
          hi[n] = keys.hi(row);
          lo[n] = keys.lo(row);
          order[n] = keys.order(row);
          n++;
        }
      }
    }
    return Segment.of(hi, lo, order, n, nowMs, nowMs);
  }

  /**
   * Reads the files that may hold the batch's keys; removes each one that does, writing its other
   * rows anew. Returns the rows copied; fills the rest in the lists and {@code counts}.
   */
  private static long rewriteFiles(Engine engine, Snapshot snapshot, Row txnState,
      StructType txnSchema, ParquetFiles writer, RecordBuffer buffer,
      Map<List<Object>, ColumnarBatch> batches, List<String> key, String orderColumn,
      List<String> partitionColumns, Set<Long> stale, Set<Long> found, List<Row> removes,
      List<DataFiles> written, int[] counts) {
    StructType batchSchema = buffer.schema();
    ScanBuilder builder = snapshot.getScanBuilder();
    Optional<Predicate> filter = filter(batches, buffer,
        KeyColumns.resolve(key.subList(0, 1), batchSchema, DeltaSinkConfig.UPSERT_KEY),
        key.get(0), batchSchema);
    if (filter.isPresent()) {
      builder = builder.withFilter(filter.get());
    }
    Scan scan = builder.build();
    List<Row> candidates = TableFiles.list(engine, scan);

    StructType readSchema = snapshot.getSchema();
    KeyColumns readKeys = KeyColumns.resolve(key, readSchema, DeltaSinkConfig.UPSERT_KEY);
    int orderOrdinal = orderColumn == null ? -1 : readSchema.indexOf(orderColumn);
    Row scanState = scan.getScanState(engine);
    KeyHasher hasher = new KeyHasher();
    long copied = 0;
    try {
      // File by file: a rewritten file keeps the key range it had, so the statistics keep
      // pruning for later batches (merging small files is compaction's job).
      for (Row scanFile : candidates) {
        KeptRows kept = new KeptRows();
        int changed = kept.add(engine, scanState, scanFile, (data, r) -> {
          Object[] values = readKeys.values(data, r);
          if (!anyNonNull(values)) {
            return true;
          }
          hasher.hash(values);
          long ref = buffer.find(hasher.hi(), hasher.lo());
          if (ref < 0) {
            return true; // no change of this key in the batch
          }
          found.add(ref);
          BucketKeys keys = buffer.bucketKeys((int) (ref >>> 32));
          int row = (int) ref;
          long order = keys.order(row);
          Object stored = orderOrdinal < 0 ? null
              : Scalars.read(data.getColumnVector(orderOrdinal), r);
          if (order != RecordBuffer.UNORDERED && stored instanceof Long s && order < s) {
            stale.add(ref); // the table holds a newer change of this key: keep its row
            return true;
          }
          counts[keys.deleted(row) ? 1 : 0]++;
          return false;
        });
        if (changed == 0) {
          continue; // the statistics matched, no row did: the file stays
        }
        removes.add(TableFiles.remove(scanFile, true));
        copied += kept.count(); // none: every row of the file changed, and no file replaces it
        written.add(kept.write(engine, txnState, txnSchema, writer, readSchema,
            partitionColumns));
      }
    } catch (RuntimeException e) {
      written.forEach(f -> f.delete(engine));
      throw e;
    }

    return copied;
  }

  private static boolean anyNonNull(Object[] values) {
    for (Object v : values) {
      if (v != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * A filter on the first key column that every file holding a changed key passes: the batch's
   * values (up to {@link #MAX_FILTER_TERMS}) or as many ranges of them, as a balanced tree (a
   * deep one overflows Kernel's evaluator). Empty when the column's statistics cannot prune.
   */
  static Optional<Predicate> filter(Map<List<Object>, ColumnarBatch> batches, RecordBuffer buffer,
      KeyColumns first, String name, StructType schema) {
    DataType type = schema;
    for (String part : name.split("\\.")) {
      type = ((StructType) type).get(part).getDataType();
    }
    if (type instanceof BooleanType || type instanceof DoubleType || type instanceof FloatType
        || type instanceof BinaryType) {
      return Optional.empty();
    }
    TreeSet<Object> values = new TreeSet<>(Rewrite::compare);
    int b = 0;
    for (ColumnarBatch batch : batches.values()) {
      BucketKeys keys = buffer.bucketKeys(b++);
      for (int row = 0; row < batch.getSize(); row++) {
        if (!keys.live(row)) {
          continue;
        }
        Object v = first.values(batch, row)[0];
        if (v == null) {
          return Optional.empty(); // a null key value passes no comparison: read every file
        }
        values.add(v);
      }
    }
    if (values.isEmpty()) {
      return Optional.empty();
    }
    Column column = new Column(name.split("\\."));
    List<Object> sorted = new ArrayList<>(values);
    List<Predicate> terms = new ArrayList<>();
    int groups = Math.min(sorted.size(), MAX_FILTER_TERMS);
    try {
      for (int g = 0; g < groups; g++) {
        int from = (int) ((long) g * sorted.size() / groups);
        int to = (int) ((long) (g + 1) * sorted.size() / groups) - 1;
        Literal lo = PartitionValues.literal(sorted.get(from), type);
        if (from == to) {
          terms.add(new Predicate("=", column, lo));
        } else {
          terms.add(new And(new Predicate(">=", column, lo),
              new Predicate("<=", column, PartitionValues.literal(sorted.get(to), type))));
        }
      }
    } catch (IllegalArgumentException unsupported) {
      return Optional.empty(); // a type without literals here: read every file
    }
    return Optional.of(TableFiles.anyOf(terms));
  }


  /** Orders key values as the statistics do: numbers by value, strings by code point. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Object a, Object b) {
    if (a instanceof String x && b instanceof String y) {
      int i = 0;
      int j = 0;
      while (i < x.length() && j < y.length()) {
        int cx = x.codePointAt(i);
        int cy = y.codePointAt(j);
        if (cx != cy) {
          return Integer.compare(cx, cy);
        }
        i += Character.charCount(cx);
        j += Character.charCount(cy);
      }
      return Integer.compare(x.length() - i, y.length() - j);
    }
    return ((Comparable) a).compareTo(b);
  }
}
