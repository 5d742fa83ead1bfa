package io.github.deltaconnect.sink.buffer;

/**
 * The buffered rows by key hash, for dropping duplicates within a batch: open addressing over
 * row references ({@code bucket << 32 | row}), compared through the buffered hashes, so an entry is
 * one long and no object per row.
 */
final class KeyTable {
  private final Allocation allocation;
  private long[] slots = new long[64]; // reference + 1; 0 is empty
  private int used;

  KeyTable(Allocation allocation) {
    this.allocation = allocation;
    allocation.add(16 + 8L * slots.length);
  }

  interface Keys {
    long hi(long ref);

    long lo(long ref);
  }

  /** The reference of the row with this key, or -1. */
  long find(long hi, long lo, Keys keys) {
    int mask = slots.length - 1;
    for (int i = spread(hi, lo) & mask; ; i = (i + 1) & mask) {
      long s = slots[i];
      if (s == 0) {
        return -1;
      }
      if (keys.hi(s - 1) == hi && keys.lo(s - 1) == lo) {
        return s - 1;
      }
    }
  }

  /** Points the key at {@code ref}, replacing the reference it had. */
  void put(long hi, long lo, long ref, Keys keys) {
    if ((used + 1) * 2 > slots.length) {
      grow(keys);
    }
    int mask = slots.length - 1;
    for (int i = spread(hi, lo) & mask; ; i = (i + 1) & mask) {
      long s = slots[i];
      if (s == 0) {
        slots[i] = ref + 1;
        used++;
        return;
      }
      if (keys.hi(s - 1) == hi && keys.lo(s - 1) == lo) {
        slots[i] = ref + 1;
        return;
      }
    }
  }

  private void grow(Keys keys) {
    long[] old = slots;
    slots = new long[old.length * 2];
    allocation.add(8L * (slots.length - old.length));
    int mask = slots.length - 1;
    for (long s : old) {
      if (s != 0) {
        int i = spread(keys.hi(s - 1), keys.lo(s - 1)) & mask;
        while (slots[i] != 0) {
          i = (i + 1) & mask;
        }
        slots[i] = s;
      }
    }
  }

  private static int spread(long hi, long lo) {
    long h = hi ^ lo;
    return (int) (h ^ (h >>> 32));
  }
}
