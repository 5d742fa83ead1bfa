package io.github.deltaconnect.sink.buffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Variable-length values (UTF-8 strings, binary) copied back to back into large byte arrays: one
 * object per 64 KiB instead of two per value, so buffered text costs the garbage collector nothing
 * to trace or copy. A value is addressed by {@code chunk << 32 | offset} and its length.
 */
final class ByteChunks {
  private static final int CHUNK = 1 << 16;
  private static final int FIRST = 64;

  private final Allocation allocation;
  private byte[][] chunks = new byte[4][];
  private int count;
  private byte[] current;
  private int position;

  ByteChunks(Allocation allocation) {
    this.allocation = allocation;
    allocation.add(64);
  }

  /** Appends {@code value} and returns its address. */
  long add(byte[] value) {
    long address = reserve(value.length);
    System.arraycopy(value, 0, current, position, value.length);
    position += value.length;
    return address;
  }

  /**
   * Appends a string whose characters are all below 0x80 (so its UTF-8 is one byte per char),
   * copied straight from the string into the chunk without an intermediate array.
   */
  @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) is exact for ASCII
  long addAscii(String value) {
    int length = value.length();
    long address = reserve(length);
    value.getBytes(0, length, current, position);
    position += length;
    return address;
  }

  /** Makes room for {@code length} bytes at {@code position} and returns their address. */
  private long reserve(int length) {
    if (current == null || position + length > current.length) {
      if (current != null && current.length < CHUNK && position + length <= CHUNK) {
        // The first chunk is small until it has to grow; growing it keeps its addresses.
        int grown = Math.min(CHUNK, Math.max(current.length * 2, position + length));
        allocation.add(grown - current.length);
        current = Arrays.copyOf(current, grown);
        chunks[count - 1] = current;
      } else {
        // A value larger than a chunk gets a chunk of its own.
        newChunk(Math.max(length, count == 0 ? FIRST : CHUNK));
      }
    }
    return ((long) (count - 1) << 32) | position;
  }

  private void newChunk(int length) {
    if (count == chunks.length) {
      chunks = Arrays.copyOf(chunks, count * 2);
      allocation.add(8L * count);
    }
    current = new byte[length];
    chunks[count++] = current;
    position = 0;
    allocation.add(16 + length);
  }

  String string(long address, int length) {
    return new String(chunks[(int) (address >>> 32)], (int) address, length, StandardCharsets.UTF_8);
  }

  /** The array a value at {@code address} lives in; it starts at {@code (int) address}. */
  byte[] chunk(long address) {
    return chunks[(int) (address >>> 32)];
  }

  byte[] bytes(long address, int length) {
    int offset = (int) address;
    return Arrays.copyOfRange(chunks[(int) (address >>> 32)], offset, offset + length);
  }
}
