package io.github.deltaconnect.avro;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;

/**
 * Converts datums {@code GenericDatumReader} (plain {@code GenericData}, no logical-type
 * conversions) yields for one Avro schema into Connect values of {@link #schema()}. Compiled once
 * per schema by {@link AvroData#toConnect}; immutable and safe to share between threads.
 *
 * <p>With schema resolution ({@code new GenericDatumReader<>(writer, reader)}), compile the READER
 * schema: the datums it yields have the reader's shape.
 */
public final class AvroToConnect {

  private final org.apache.avro.Schema avroSchema;
  private final Schema schema;
  private final ToConnect root;

  AvroToConnect(org.apache.avro.Schema avroSchema, Schema schema, ToConnect root) {
    this.avroSchema = avroSchema;
    this.schema = schema;
    this.root = root;
  }

  /** The Connect schema of every value {@link #convert} returns. */
  public Schema schema() {
    return schema;
  }

  /** The Avro schema this converter was compiled for. */
  public org.apache.avro.Schema avroSchema() {
    return avroSchema;
  }

  /**
   * Converts one datum.
   *
   * @throws DataException when the datum does not have the shape of the compiled schema
   */
  public Object convert(Object datum) {
    if (datum == null) {
      if (schema.isOptional()) {
        return null;
      }
      throw new DataException("Cannot convert a null datum: Avro schema " + describe()
          + " is not nullable");
    }
    try {
      return root.convert(datum);
    } catch (PathException e) {
      throw new DataException("Cannot convert an Avro datum of " + describe() + " to Connect: "
          + e.getMessage(), e);
    } catch (ClassCastException e) {
      throw new DataException("Cannot convert an Avro datum of " + describe() + " to Connect: "
          + e.getMessage(), e);
    }
  }

  private String describe() {
    return avroSchema.getType() == org.apache.avro.Schema.Type.RECORD
        ? "record '" + avroSchema.getFullName() + "'" : "type " + avroSchema;
  }
}
