package io.github.deltaconnect.sink.buffer;

import java.util.Arrays;

/**
 * A growable sequence of longs stored in fixed-size chunks, so growing never copies what is
 * already buffered and the memory held is at most one chunk more than the values. The first chunk
 * starts small and doubles up to the chunk size, so a column of a few rows stays small.
 */
final class LongChunks {
  private static final int SHIFT = 12;
  static final int CHUNK = 1 << SHIFT;
  private static final int MASK = CHUNK - 1;
  private static final int FIRST = 8;

  private final Allocation allocation;
  private long[][] chunks = new long[4][];
  private int chunkCount;
  private int size;

  LongChunks(Allocation allocation) {
    this.allocation = allocation;
    allocation.add(64);
  }

  void add(long value) {
    int c = size >>> SHIFT;
    int i = size & MASK;
    if (c == chunkCount) {
      if (c == chunks.length) {
        chunks = Arrays.copyOf(chunks, c * 2);
        allocation.add(8L * c);
      }
      chunks[c] = new long[c == 0 ? FIRST : CHUNK];
      chunkCount++;
      allocation.add(16 + 8L * chunks[c].length);
    } else if (i == chunks[c].length) { // only the first chunk is ever short
      int grown = Math.min(CHUNK, chunks[c].length * 2);
      allocation.add(8L * (grown - chunks[c].length));
      chunks[c] = Arrays.copyOf(chunks[c], grown);
    }
    chunks[c][i] = value;
    size++;
  }

  long get(int index) {
    return chunks[index >>> SHIFT][index & MASK];
  }

  void set(int index, long value) {
    chunks[index >>> SHIFT][index & MASK] = value;
  }

  int size() {
    return size;
  }
}
