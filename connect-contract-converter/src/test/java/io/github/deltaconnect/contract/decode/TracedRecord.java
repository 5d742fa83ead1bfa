package io.github.deltaconnect.contract.decode;

import io.github.deltaconnect.contract.wire.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;

/**
 * A valid wire-format record and the offsets where its varints start, so a mutation can put a
 * hostile value exactly where the decoder reads a length, an item count or a branch index.
 *
 * @param lengths string and bytes length prefixes
 * @param counts array and map block counts, end-of-collection zeros included
 * @param others union branch indexes, enum indexes, ints and longs
 */
record TracedRecord(String topic, int schemaId, byte[] bytes, int[] lengths, int[] counts,
    int[] others) {

  static TracedRecord encode(String topic, int schemaId, Schema writer, Object datum) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(WireFormat.MAGIC);
    out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
    Tracer tracer = new Tracer(out);
    try {
      new GenericDatumWriter<Object>(writer, GenericData.get()).write(datum, tracer);
      tracer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new TracedRecord(topic, schemaId, out.toByteArray(), ints(tracer.lengths),
        ints(tracer.counts), ints(tracer.others));
  }

  private static int[] ints(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Notes the output offset before each varint; the direct encoder writes through unbuffered. */
  private static final class Tracer extends Encoder {
    private final ByteArrayOutputStream out;
    private final BinaryEncoder binary;
    final List<Integer> lengths = new ArrayList<>();
    final List<Integer> counts = new ArrayList<>();
    final List<Integer> others = new ArrayList<>();

    Tracer(ByteArrayOutputStream out) {
      this.out = out;
      this.binary = EncoderFactory.get().directBinaryEncoder(out, null);
    }

    private void at(List<Integer> kind) {
      kind.add(out.size());
    }

    @Override
    public void writeNull() throws IOException {
      binary.writeNull();
    }

    @Override
    public void writeBoolean(boolean b) throws IOException {
      binary.writeBoolean(b);
    }

    @Override
    public void writeInt(int n) throws IOException {
      at(others);
      binary.writeInt(n);
    }

    @Override
    public void writeLong(long n) throws IOException {
      at(others);
      binary.writeLong(n);
    }

    @Override
    public void writeFloat(float f) throws IOException {
      binary.writeFloat(f);
    }

    @Override
    public void writeDouble(double d) throws IOException {
      binary.writeDouble(d);
    }

    @Override
    public void writeString(Utf8 utf8) throws IOException {
      at(lengths);
      binary.writeString(utf8);
    }

    @Override
    public void writeBytes(ByteBuffer bytes) throws IOException {
      at(lengths);
      binary.writeBytes(bytes);
    }

    @Override
    public void writeBytes(byte[] bytes, int start, int len) throws IOException {
      at(lengths);
      binary.writeBytes(bytes, start, len);
    }

    @Override
    public void writeFixed(byte[] bytes, int start, int len) throws IOException {
      binary.writeFixed(bytes, start, len);
    }

    @Override
    public void writeEnum(int e) throws IOException {
      at(others);
      binary.writeEnum(e);
    }

    @Override
    public void writeArrayStart() throws IOException {
      binary.writeArrayStart();
    }

    @Override
    public void setItemCount(long itemCount) throws IOException {
      if (itemCount > 0) {
        at(counts);
      }
      binary.setItemCount(itemCount);
    }

    @Override
    public void startItem() throws IOException {
      binary.startItem();
    }

    @Override
    public void writeArrayEnd() throws IOException {
      at(counts);
      binary.writeArrayEnd();
    }

    @Override
    public void writeMapStart() throws IOException {
      binary.writeMapStart();
    }

    @Override
    public void writeMapEnd() throws IOException {
      at(counts);
      binary.writeMapEnd();
    }

    @Override
    public void writeIndex(int unionIndex) throws IOException {
      at(others);
      binary.writeIndex(unionIndex);
    }

    @Override
    public void flush() throws IOException {
      binary.flush();
    }
  }
}
