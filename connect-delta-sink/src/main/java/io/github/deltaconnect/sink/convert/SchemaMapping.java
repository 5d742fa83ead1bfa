package io.github.deltaconnect.sink.convert;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.github.deltaconnect.common.LogicalNames;
import io.github.deltaconnect.sink.config.PartitionSpec;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Maps Connect schemas to Delta types. Every column is nullable: a required Connect field can never
 * be null anyway, and nullable columns let the table accept older and newer record versions.
 */
public final class SchemaMapping {

  /** Kafka metadata columns, added when {@code delta.metadata.columns=true}. */
  public static final String KAFKA_TOPIC = "_kafka_topic";
  public static final String KAFKA_PARTITION = "_kafka_partition";
  public static final String KAFKA_OFFSET = "_kafka_offset";
  public static final String KAFKA_TIMESTAMP = "_kafka_timestamp";

  static final int MAX_DECIMAL_PRECISION = 38;
  /** Deepest nesting of structs, arrays and maps a table column may have. */
  static final int MAX_NESTING = 100;

  private SchemaMapping() {}

  /**
   * The table schema for records with this value schema: the record's fields, then derived
   * partition columns, then (optionally) Kafka metadata columns.
   */
  public static StructType tableSchema(Schema valueSchema, PartitionSpec spec, boolean metadata) {
    if (valueSchema == null || valueSchema.type() != Schema.Type.STRUCT) {
      throw new DataException(
          "a table can be created only from records with a STRUCT value schema, got "
              + (valueSchema == null ? "a schemaless value" : valueSchema.type().toString()));
    }
    StructType schema = (StructType) toDelta(valueSchema, "");
    for (PartitionSpec.Derived d : spec.derived().values()) {
      if (schema.indexOf(d.column()) >= 0) {
        throw new DataException("derived column '" + d.column() + "' is also a record field");
      }
      schema = schema.add(d.column(), derivedType(d.function()), true);
    }
    if (metadata) {
      schema = schema.add(KAFKA_TOPIC, StringType.STRING, true)
          .add(KAFKA_PARTITION, IntegerType.INTEGER, true)
          .add(KAFKA_OFFSET, LongType.LONG, true)
          .add(KAFKA_TIMESTAMP, TimestampType.TIMESTAMP, true);
    }
    for (String p : spec.columns()) {
      int i = schema.indexOf(p);
      if (i < 0) {
        throw new DataException("partition column '" + p + "' is neither a record field nor derived");
      }
      if (schema.at(i).getDataType().isNested()) {
        throw new DataException("partition column '" + p + "' must be a primitive type, is "
            + schema.at(i).getDataType());
      }
    }
    return schema;
  }

  public static DataType derivedType(PartitionSpec.DerivedFunction fn) {
    return fn == PartitionSpec.DerivedFunction.DATE ? DateType.DATE : IntegerType.INTEGER;
  }

  /** The Delta type for a Connect schema; {@code path} names the field in error messages. */
  public static DataType toDelta(Schema schema, String path) {
    return toDelta(schema, path, 0);
  }

  private static DataType toDelta(Schema schema, String path, int depth) {
    if (depth > MAX_NESTING) {
      // Refused as a bad record (to the DLQ) instead of overflowing the task thread's stack.
      throw new DataException("field '" + (path.length() > 200 ? path.substring(0, 200) + "..."
          : path) + "': nested more than " + MAX_NESTING + " levels deep");
    }
    String logical = schema.name();
    if (Decimal.LOGICAL_NAME.equals(logical)) {
      int scale = Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD));
      int precision = precision(schema.parameters());
      if (precision > MAX_DECIMAL_PRECISION || scale > precision) {
        throw new DataException("field '" + path + "': decimal(" + precision + "," + scale
            + ") does not fit Delta's decimal (precision at most 38)");
      }
      return new DecimalType(precision, scale);
    }
    if (Date.LOGICAL_NAME.equals(logical)) {
      return DateType.DATE;
    }
    if (Timestamp.LOGICAL_NAME.equals(logical)
        || (LogicalNames.TIMESTAMP_MICROS.equals(logical) && schema.type() == Schema.Type.INT64)) {
      return TimestampType.TIMESTAMP;
    }
    if (Time.LOGICAL_NAME.equals(logical)) {
      return IntegerType.INTEGER; // milliseconds since midnight: Delta has no TIME type
    }
    switch (schema.type()) {
      case INT8:
        return ByteType.BYTE;
      case INT16:
        return ShortType.SHORT;
      case INT32:
        return IntegerType.INTEGER;
      case INT64:
        return LongType.LONG;
      case FLOAT32:
        return FloatType.FLOAT;
      case FLOAT64:
        return DoubleType.DOUBLE;
      case BOOLEAN:
        return BooleanType.BOOLEAN;
      case STRING:
        return StringType.STRING;
      case BYTES:
        return BinaryType.BINARY;
      case ARRAY:
        return new ArrayType(toDelta(schema.valueSchema(), path + "[]", depth + 1), true);
      case MAP:
        return new MapType(toDelta(schema.keySchema(), path + ".key", depth + 1),
            toDelta(schema.valueSchema(), path + ".value", depth + 1), true);
      case STRUCT: {
        StructType struct = new StructType();
        for (Field f : schema.fields()) {
          String child = path.isEmpty() ? f.name() : path + "." + f.name();
          struct = struct.add(f.name(), toDelta(f.schema(), child, depth + 1), true);
        }
        if (struct.length() == 0) {
          throw new DataException("field '" + path + "': Delta cannot store a struct with no fields");
        }
        return struct;
      }
      default:
        throw new DataException("field '" + path + "': Connect type " + schema.type()
            + " has no Delta equivalent");
    }
  }

  private static int precision(Map<String, String> params) {
    String p = params == null ? null : params.get(LogicalNames.DECIMAL_PRECISION);
    return p == null ? MAX_DECIMAL_PRECISION : Integer.parseInt(p);
  }
}
