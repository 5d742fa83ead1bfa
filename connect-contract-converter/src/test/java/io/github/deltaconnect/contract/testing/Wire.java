package io.github.deltaconnect.contract.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Writes records the way Confluent's Avro serializer does: magic byte, schema id, Avro binary.
 * Written independently of the converter's own WireFormat (and usable where the converter is not
 * on the classpath, as in the end-to-end tests, where it lives in the plugin).
 */
public final class Wire {
  private Wire() {}

  public static byte[] encode(int schemaId, Schema schema, Object datum) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(schemaId).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    try {
      new GenericDatumWriter<Object>(schema).write(datum, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
