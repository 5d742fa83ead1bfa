package io.github.deltaconnect.contract.decode;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Passes every read to a binary decoder over one payload, but refuses array and map blocks that
 * claim more items than the payload can hold.
 *
 * <p>Every item that takes at least one byte on the wire has a byte of its own (a primitive's, a
 * union index, a string length, the end-of-collection zero of a nested array), so a payload of n
 * bytes holds at most n of them, nested or not. Only items that take no bytes at all (null,
 * records without fields, fixed of size 0) can be more, and Avro bounds those just by a share of
 * the heap, a JVM-wide limit: ten bytes can declare tens of millions of empty records to build,
 * or two billion nulls for a dropped field to skip one by one. So each payload may declare its
 * length in items plus {@link #EMPTY_ITEMS}; what claims more is refused before anything is
 * built.
 * Lengths of strings and bytes need no check here: Avro 1.12.2 compares them to the bytes left.
 *
 * <p>Reused for each payload, like the decoder it wraps; not thread-safe.
 */
final class BoundedDecoder extends Decoder {
  /** Items taking no bytes that one payload may hold; each costs ~100 bytes once converted. */
  static final long EMPTY_ITEMS = 10_000;

  private Decoder in;
  private int length;
  private long itemsLeft;

  /** Reads {@code in}, which decodes a payload of {@code length} bytes, from its start. */
  BoundedDecoder reset(Decoder in, int length) {
    this.in = in;
    this.length = length;
    this.itemsLeft = length + EMPTY_ITEMS;
    return this;
  }

  private long items(long claimed) throws IOException {
    if (claimed > itemsLeft) {
      throw new IOException("arrays and maps claim more items than the " + length + " bytes of Avro"
          + " data can hold (a block of " + claimed + "; at most one per byte, plus "
          + EMPTY_ITEMS + " that take no bytes)");
    }
    itemsLeft -= claimed;
    return claimed;
  }

  @Override
  public long readArrayStart() throws IOException {
    return items(in.readArrayStart());
  }

  @Override
  public long arrayNext() throws IOException {
    return items(in.arrayNext());
  }

  @Override
  public long skipArray() throws IOException {
    return items(in.skipArray());
  }

  @Override
  public long readMapStart() throws IOException {
    return items(in.readMapStart());
  }

  @Override
  public long mapNext() throws IOException {
    return items(in.mapNext());
  }

  @Override
  public long skipMap() throws IOException {
    return items(in.skipMap());
  }

  @Override
  public int remainingBytes() {
    return in.remainingBytes(); // Avro checks lengths and counts against it
  }

  @Override
  public void readNull() throws IOException {
    in.readNull();
  }

  @Override
  public boolean readBoolean() throws IOException {
    return in.readBoolean();
  }

  @Override
  public int readInt() throws IOException {
    return in.readInt();
  }

  @Override
  public long readLong() throws IOException {
    return in.readLong();
  }

  @Override
  public float readFloat() throws IOException {
    return in.readFloat();
  }

  @Override
  public double readDouble() throws IOException {
    return in.readDouble();
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    return in.readString(old);
  }

  @Override
  public String readString() throws IOException {
    return in.readString();
  }

  @Override
  public void skipString() throws IOException {
    in.skipString();
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    return in.readBytes(old);
  }

  @Override
  public void skipBytes() throws IOException {
    in.skipBytes();
  }

  @Override
  public void readFixed(byte[] bytes, int start, int len) throws IOException {
    in.readFixed(bytes, start, len);
  }

  @Override
  public void skipFixed(int len) throws IOException {
    in.skipFixed(len);
  }

  @Override
  public int readEnum() throws IOException {
    return in.readEnum();
  }

  @Override
  public int readIndex() throws IOException {
    return in.readIndex();
  }
}
