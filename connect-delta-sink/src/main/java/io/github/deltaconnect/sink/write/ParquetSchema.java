package io.github.deltaconnect.sink.write;

import static org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit.MICROS;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BOOLEAN;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.FLOAT;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;

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
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * The Parquet file schema for rows of a Delta schema, laid out as Delta Kernel's writer lays it out
 * (so readers see the same files whichever wrote them): timestamps as INT64 microseconds, decimals
 * in the narrowest of INT32 / INT64 / fixed bytes, three-level lists and maps.
 */
public final class ParquetSchema {
  static final int MAX_DIGITS_IN_INT = 9;
  static final int MAX_DIGITS_IN_LONG = 18;

  private ParquetSchema() {}

  public static MessageType of(StructType schema) {
    return new MessageType("DefaultKernelSchema", fields(schema));
  }

  /** Bytes a decimal of {@code precision} digits takes as a two's-complement fixed-length array. */
  static int decimalBytes(int precision) {
    int bytes = 1;
    while (Math.pow(2.0, 8 * bytes - 1) < Math.pow(10.0, precision)) {
      bytes++;
    }
    return bytes;
  }

  private static List<Type> fields(StructType struct) {
    List<Type> out = new ArrayList<>(struct.length());
    for (StructField f : struct.fields()) {
      out.add(type(f.getDataType(), f.getName(),
          f.isNullable() ? Repetition.OPTIONAL : Repetition.REQUIRED));
    }
    return out;
  }

  private static Type type(DataType type, String name, Repetition repetition) {
    if (type instanceof BooleanType) {
      return Types.primitive(BOOLEAN, repetition).named(name);
    }
    if (type instanceof ByteType || type instanceof ShortType || type instanceof IntegerType) {
      return Types.primitive(INT32, repetition).named(name);
    }
    if (type instanceof LongType) {
      return Types.primitive(INT64, repetition).named(name);
    }
    if (type instanceof FloatType) {
      return Types.primitive(FLOAT, repetition).named(name);
    }
    if (type instanceof DoubleType) {
      return Types.primitive(DOUBLE, repetition).named(name);
    }
    if (type instanceof DecimalType d) {
      LogicalTypeAnnotation decimal =
          LogicalTypeAnnotation.decimalType(d.getScale(), d.getPrecision());
      if (d.getPrecision() <= MAX_DIGITS_IN_INT) {
        return Types.primitive(INT32, repetition).as(decimal).named(name);
      }
      if (d.getPrecision() <= MAX_DIGITS_IN_LONG) {
        return Types.primitive(INT64, repetition).as(decimal).named(name);
      }
      return Types.primitive(FIXED_LEN_BYTE_ARRAY, repetition).as(decimal)
          .length(decimalBytes(d.getPrecision())).named(name);
    }
    if (type instanceof StringType) {
      return Types.primitive(BINARY, repetition).as(LogicalTypeAnnotation.stringType()).named(name);
    }
    if (type instanceof BinaryType) {
      return Types.primitive(BINARY, repetition).named(name);
    }
    if (type instanceof DateType) {
      return Types.primitive(INT32, repetition).as(LogicalTypeAnnotation.dateType()).named(name);
    }
    if (type instanceof TimestampType) {
      return Types.primitive(INT64, repetition)
          .as(LogicalTypeAnnotation.timestampType(true, MICROS)).named(name);
    }
    if (type instanceof TimestampNTZType) {
      return Types.primitive(INT64, repetition)
          .as(LogicalTypeAnnotation.timestampType(false, MICROS)).named(name);
    }
    if (type instanceof ArrayType a) {
      return Types.buildGroup(repetition).as(LogicalTypeAnnotation.listType())
          .addField(Types.repeatedGroup()
              .addField(type(a.getElementType(), "element",
                  a.containsNull() ? Repetition.OPTIONAL : Repetition.REQUIRED))
              .named("list"))
          .named(name);
    }
    if (type instanceof MapType m) {
      return Types.buildGroup(repetition).as(LogicalTypeAnnotation.mapType())
          .addField(Types.repeatedGroup()
              .addField(type(m.getKeyType(), "key", Repetition.REQUIRED))
              .addField(type(m.getValueType(), "value",
                  m.isValueContainsNull() ? Repetition.OPTIONAL : Repetition.REQUIRED))
              .named("key_value"))
          .named(name);
    }
    if (type instanceof StructType s) {
      return new GroupType(repetition, name, fields(s));
    }
    throw new UnsupportedOperationException("No Parquet type for " + type);
  }
}
