package io.github.deltaconnect.avro;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;

/**
 * Maps Avro schemas and data onto Kafka Connect schemas and data, and back.
 *
 * <p>Each entry point compiles an Avro schema once into a tree of small converter objects, so
 * converting a record walks no schema and looks nothing up by name; callers cache the compiled
 * object per schema. Compiled objects are safe to share between threads.
 *
 * <table>
 *   <caption>Avro to Connect</caption>
 *   <tr><th>Avro</th><th>Connect schema</th><th>Connect value</th></tr>
 *   <tr><td>record</td><td>STRUCT named the Avro full name, doc = Avro doc, fields in Avro
 *       order</td><td>{@code Struct}</td></tr>
 *   <tr><td>field default</td><td>the field schema's default when it is a primitive, string,
 *       bytes or logical value; none for records, arrays, maps and multi-branch unions</td>
 *       <td></td></tr>
 *   <tr><td>enum</td><td>STRING, parameters {@value #ENUM_NAME} = full name,
 *       {@value #ENUM_SYMBOLS} = comma-joined symbols</td><td>{@code String}</td></tr>
 *   <tr><td>union [null, T] or [T, null]</td><td>T, optional</td><td>as T, or null</td></tr>
 *   <tr><td>union with more than one non-null branch</td><td>STRUCT named {@value #UNION_NAME},
 *       one optional field per branch named after it ({@code int}, {@code string}, ... for
 *       primitives, {@code array}, {@code map}, the simple name of a named type, or its full name
 *       when two branches share a simple name); optional if the union holds null</td>
 *       <td>{@code Struct} with exactly one field set</td></tr>
 *   <tr><td>array</td><td>ARRAY of the element</td><td>{@code List}</td></tr>
 *   <tr><td>map</td><td>MAP(STRING, value)</td><td>{@code Map<String, ?>}</td></tr>
 *   <tr><td>fixed</td><td>BYTES, parameter {@value #FIXED_SIZE} = size</td>
 *       <td>{@code byte[]}</td></tr>
 *   <tr><td>bytes</td><td>BYTES</td><td>{@code byte[]}</td></tr>
 *   <tr><td>string</td><td>STRING</td><td>{@code String}</td></tr>
 *   <tr><td>decimal (bytes or fixed)</td><td>Connect {@code Decimal} of the scale, parameter
 *       {@value LogicalNames#DECIMAL_PRECISION} = precision</td><td>{@code BigDecimal}</td></tr>
 *   <tr><td>date</td><td>Connect {@code Date}</td><td>{@code java.util.Date}, UTC midnight</td>
 *       </tr>
 *   <tr><td>time-millis</td><td>Connect {@code Time}</td><td>{@code java.util.Date}, millis of
 *       day</td></tr>
 *   <tr><td>time-micros</td><td>INT64 named {@value LogicalNames#TIME_MICROS}</td><td>{@code Long} micros of
 *       day</td></tr>
 *   <tr><td>timestamp-millis</td><td>Connect {@code Timestamp}</td><td>{@code java.util.Date}</td>
 *       </tr>
 *   <tr><td>timestamp-micros</td><td>INT64 named {@value LogicalNames#TIMESTAMP_MICROS}</td><td>{@code Long}
 *       micros since the epoch</td></tr>
 *   <tr><td>local-timestamp-millis, local-timestamp-micros</td><td>INT64 named
 *       {@value LogicalNames#LOCAL_TIMESTAMP_MILLIS}, {@value LogicalNames#LOCAL_TIMESTAMP_MICROS}</td>
 *       <td>{@code Long}</td></tr>
 *   <tr><td>uuid (on string)</td><td>STRING, parameter {@value #LOGICAL_TYPE} = {@code uuid}</td>
 *       <td>{@code String}</td></tr>
 *   <tr><td>any other logical type</td><td>its underlying type, parameter {@value #LOGICAL_TYPE} =
 *       the logical type name</td><td>as the underlying type</td></tr>
 *   <tr><td>int, long, float, double, boolean</td><td>INT32, INT64, FLOAT32, FLOAT64,
 *       BOOLEAN</td><td>boxed primitive</td></tr>
 * </table>
 *
 * <p>Connect to Avro follows the same table backwards, driven by the Avro schema. Struct fields are
 * matched by name, so the Connect value may come from another source with its fields in another
 * order or with extra fields. A field the Connect value lacks gets the Avro field's default, else
 * null when the Avro field is nullable; anything else that does not fit raises {@link
 * DataException} naming the field path. Logical values are also accepted in their other common
 * form ({@code Long} for timestamps, {@code java.util.Date} for the micros types, {@code Integer}
 * for date and time-millis).
 *
 * <p>Not supported, rejected with {@link DataException} at compile time: recursive records (a
 * Connect schema is a finite tree), and the {@code null} type outside a union.
 */
public final class AvroData {

  /** Connect parameter holding the full name of the Avro enum a STRING came from. */
  public static final String ENUM_NAME = "io.github.deltaconnect.avro.enum";
  /** Connect parameter holding the comma-joined symbols of that enum. */
  public static final String ENUM_SYMBOLS = "io.github.deltaconnect.avro.enum.symbols";
  /** Connect name of the STRUCT standing for a union with more than one non-null branch. */
  public static final String UNION_NAME = "io.github.deltaconnect.avro.Union";
  /** Connect parameter holding the size of the Avro fixed a BYTES came from. */
  public static final String FIXED_SIZE = "io.github.deltaconnect.avro.fixed.size";
  /** Connect parameter holding an Avro logical type Connect has no type for (e.g. uuid). */
  public static final String LOGICAL_TYPE = "io.github.deltaconnect.avro.logical";

  private AvroData() {}

  /** The Connect schema for values of {@code avro}. */
  public static Schema connectSchema(org.apache.avro.Schema avro) {
    return toConnect(avro).schema();
  }

  /** Compiles a converter from datums {@code GenericDatumReader} yields for {@code avro}. */
  public static AvroToConnect toConnect(org.apache.avro.Schema avro) {
    return new ToConnectCompiler().compile(avro);
  }

  /** Compiles a converter from Connect values to datums {@code GenericDatumWriter} can write. */
  public static ConnectToAvro fromConnect(org.apache.avro.Schema avro) {
    return new ToAvroCompiler().compile(avro);
  }
}
