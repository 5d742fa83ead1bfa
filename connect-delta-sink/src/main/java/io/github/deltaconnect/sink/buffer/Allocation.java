package io.github.deltaconnect.sink.buffer;

/** Bytes of heap a buffer's columns have allocated, counted as arrays are created or grown. */
final class Allocation {
  private long bytes;

  void add(long n) {
    bytes += n;
  }

  long bytes() {
    return bytes;
  }
}
