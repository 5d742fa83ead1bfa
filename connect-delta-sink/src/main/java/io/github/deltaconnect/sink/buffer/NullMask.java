package io.github.deltaconnect.sink.buffer;

/** One bit per value, set when the value is null; costs nothing until the first null. */
final class NullMask {
  private final Allocation allocation;
  private LongChunks words;
  private int size;

  NullMask(Allocation allocation) {
    this.allocation = allocation;
  }

  void append(boolean isNull) {
    if (isNull) {
      if (words == null) {
        words = new LongChunks(allocation);
      }
      while (words.size() <= size >>> 6) {
        words.add(0L);
      }
      int word = size >>> 6;
      words.set(word, words.get(word) | 1L << (size & 63));
    }
    size++;
  }

  boolean isNull(int index) {
    return words != null && index >>> 6 < words.size()
        && (words.get(index >>> 6) & 1L << (index & 63)) != 0;
  }
}
