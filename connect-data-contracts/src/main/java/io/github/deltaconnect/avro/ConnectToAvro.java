package io.github.deltaconnect.avro;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;

/**
 * Converts Connect values into datums {@code GenericDatumWriter<Object>} can write for one Avro
 * schema. Compiled once per Avro schema by {@link AvroData#fromConnect}; safe to share between
 * threads.
 *
 * <p>The Avro schema drives the conversion; Connect structs are matched to Avro records by field
 * name. Each record step remembers how the last Connect schema it saw lines up with its fields, so
 * a stream of values sharing one Connect schema pays the name lookups once.
 */
public final class ConnectToAvro {

  private final org.apache.avro.Schema avroSchema;
  private final boolean nullable;
  private final ToAvro root;

  ConnectToAvro(org.apache.avro.Schema avroSchema, ToAvro root) {
    this.avroSchema = avroSchema;
    this.nullable = AvroTypes.nullable(avroSchema);
    this.root = root;
  }

  /** The Avro schema every datum {@link #convert} returns conforms to. */
  public org.apache.avro.Schema avroSchema() {
    return avroSchema;
  }

  /**
   * Converts one Connect value. The value drives the conversion (a {@code Struct} carries its own
   * schema); {@code connectSchema} may be null and is only used to describe failures.
   *
   * @throws DataException naming the field path when the value does not fit the Avro schema
   */
  public Object convert(Schema connectSchema, Object connectValue) {
    if (connectValue == null) {
      if (nullable) {
        return null;
      }
      throw new DataException("Cannot convert a null Connect value to " + describe()
          + ": the Avro schema is not nullable");
    }
    try {
      return root.convert(connectValue);
    } catch (PathException e) {
      String from = connectSchema == null || connectSchema.name() == null
          ? "" : " (Connect schema '" + connectSchema.name() + "')";
      throw new DataException("Cannot convert a Connect value" + from + " to " + describe() + ": "
          + e.getMessage(), e);
    }
  }

  private String describe() {
    return avroSchema.getType() == org.apache.avro.Schema.Type.RECORD
        ? "Avro record '" + avroSchema.getFullName() + "'" : "Avro type " + avroSchema;
  }
}
