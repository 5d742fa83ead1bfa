package io.github.deltaconnect.sink.commit;

import io.github.deltaconnect.sink.buffer.BucketKeys;
import io.github.deltaconnect.sink.buffer.RecordBuffer;
import io.github.deltaconnect.sink.dedup.KeyIndex;
import io.github.deltaconnect.sink.dedup.Segment;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of a keyed batch to write against one version of the key index: each live row whose
 * key the table does not hold yet. {@code rows}: per table partition, the row numbers written;
 * {@code keys}: their keys, the segment the commit adds; {@code dropped}: rows left out because the
 * table holds their key.
 */
record Selection(Map<List<Object>, int[]> rows, Segment keys, int dropped) {

  static Selection of(RecordBuffer buffer, KeyIndex index) {
    // The batch's live keys, sorted once, are probed against each segment in one ordered walk.
    int total = buffer.records();
    long[] hi = new long[total];
    long[] lo = new long[total];
    int n = 0;
    long newest = Long.MIN_VALUE;
    Map<List<Object>, BucketKeys> buckets = buffer.keys();
    for (BucketKeys keys : buckets.values()) {
      for (int row = 0; row < keys.size(); row++) {
        newest = Math.max(newest, keys.ts(row));
        if (keys.live(row)) {
          hi[n] = keys.hi(row);
          lo[n] = keys.lo(row);
          n++;
        }
      }
    }
    Segment all = Segment.of(hi, lo, n, 0, 0);
    index.advanceTo(newest); // keys this batch pushes out of the window no longer count
    Segment held = index.held(all);
    Map<List<Object>, int[]> rows = new LinkedHashMap<>();
    int dropped = 0;
    long minTs = Long.MAX_VALUE;
    long maxTs = Long.MIN_VALUE;
    for (Map.Entry<List<Object>, BucketKeys> e : buckets.entrySet()) {
      BucketKeys keys = e.getValue();
      int[] kept = new int[keys.size()];
      int k = 0;
      for (int row = 0; row < keys.size(); row++) {
        if (!keys.live(row)) {
          continue; // a later record of the batch with this key replaced it
        }
        if (held.size() > 0 && held.contains(keys.hi(row), keys.lo(row))) {
          dropped++;
          continue;
        }
        kept[k++] = row;
        minTs = Math.min(minTs, keys.ts(row));
        maxTs = Math.max(maxTs, keys.ts(row));
      }
      rows.put(e.getKey(), Arrays.copyOf(kept, k));
    }
    boolean any = minTs != Long.MAX_VALUE;
    Segment segment = all.minus(held, any ? minTs : 0, any ? maxTs : 0);
    return new Selection(rows, segment, dropped);
  }

  /** Whether both select the same rows (then files written for one serve the other). */
  boolean sameRows(Selection other) {
    if (!rows.keySet().equals(other.rows.keySet())) {
      return false;
    }
    for (Map.Entry<List<Object>, int[]> e : rows.entrySet()) {
      if (!Arrays.equals(e.getValue(), other.rows.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
