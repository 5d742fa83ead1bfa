package io.github.deltaconnect.avro;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/** Avro binary encoding through plain {@link GenericData}, as the converter will see it. */
final class AvroBinary {

  private AvroBinary() {}

  static Schema parse(String json) {
    return new Schema.Parser().parse(json);
  }

  static byte[] write(Schema schema, Object datum) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    try {
      new GenericDatumWriter<Object>(schema, GenericData.get()).write(datum, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static Object read(Schema writer, Schema reader, byte[] bytes) {
    try {
      return new GenericDatumReader<Object>(writer, reader, GenericData.get())
          .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a consumer decodes after a producer wrote {@code datum}. */
  static Object decode(Schema schema, Object datum) {
    return read(schema, schema, write(schema, datum));
  }
}
