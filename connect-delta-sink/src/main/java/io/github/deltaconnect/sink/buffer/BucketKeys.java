package io.github.deltaconnect.sink.buffer;

import java.util.BitSet;

/**
 * The idempotency keys of one table partition's buffered rows, row by row: the key's 128-bit hash,
 * the record's timestamp (idempotency keys) or the change's ordering value (upserts), whether a
 * later record with the same key replaced the row, and (upserts) whether the row is a delete.
 */
public final class BucketKeys {
  final LongChunks hi;
  final LongChunks lo;
  final LongChunks ts;
  final BitSet replaced = new BitSet();
  final BitSet deleted = new BitSet();

  BucketKeys(Allocation allocation) {
    this.hi = new LongChunks(allocation);
    this.lo = new LongChunks(allocation);
    this.ts = new LongChunks(allocation);
  }

  public int size() {
    return hi.size();
  }

  public long hi(int row) {
    return hi.get(row);
  }

  public long lo(int row) {
    return lo.get(row);
  }

  public long ts(int row) {
    return ts.get(row);
  }

  /** Upserts: the change's ordering value ({@code RecordBuffer.UNORDERED} for none). */
  public long order(int row) {
    return ts.get(row);
  }

  /** Upserts: whether the row only carries the key of a delete (it is never written). */
  public boolean deleted(int row) {
    return deleted.get(row);
  }

  /** False when a later record of the batch with the same key took this row's place. */
  public boolean live(int row) {
    return !replaced.get(row);
  }
}
