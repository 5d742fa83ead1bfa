package io.github.deltaconnect.sink.write;

import io.delta.kernel.expressions.Literal;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Picks a row's partition column values and turns them into Kernel literals for a bucket. */
public final class PartitionValues {
  private final List<String> columns;
  private final int[] ordinals;
  private final DataType[] types;

  public PartitionValues(StructType schema, List<String> columns) {
    this.columns = List.copyOf(columns);
    this.ordinals = new int[columns.size()];
    this.types = new DataType[columns.size()];
    for (int i = 0; i < ordinals.length; i++) {
      ordinals[i] = schema.indexOf(columns.get(i));
      if (ordinals[i] < 0) {
        throw new IllegalArgumentException("partition column '" + columns.get(i) + "' not in " + schema);
      }
      types[i] = schema.at(ordinals[i]).getDataType();
    }
  }

  public List<String> columns() {
    return columns;
  }

  /** The bucket key of a row: its partition values in column order (nulls allowed). */
  public List<Object> key(Object[] row) {
    if (ordinals.length == 0) {
      return List.of();
    }
    Object[] key = new Object[ordinals.length];
    for (int i = 0; i < ordinals.length; i++) {
      key[i] = row[ordinals[i]];
    }
    return Arrays.asList(key);
  }

  /** Names of partition columns that are null in the row. */
  public List<String> nullColumns(Object[] row) {
    List<String> out = new ArrayList<>(0);
    for (int i = 0; i < ordinals.length; i++) {
      if (row[ordinals[i]] == null) {
        out.add(columns.get(i));
      }
    }
    return out;
  }

  public Map<String, Literal> literals(List<Object> key) {
    Map<String, Literal> out = new LinkedHashMap<>();
    for (int i = 0; i < ordinals.length; i++) {
      out.put(columns.get(i), literal(key.get(i), types[i]));
    }
    return out;
  }

  public static Literal literal(Object v, DataType type) {
    if (v == null) {
      return Literal.ofNull(type);
    }
    if (type instanceof StringType) {
      return Literal.ofString((String) v);
    } else if (type instanceof IntegerType) {
      return Literal.ofInt((Integer) v);
    } else if (type instanceof LongType) {
      return Literal.ofLong((Long) v);
    } else if (type instanceof DateType) {
      return Literal.ofDate((Integer) v);
    } else if (type instanceof TimestampType) {
      return Literal.ofTimestamp((Long) v);
    } else if (type instanceof BooleanType) {
      return Literal.ofBoolean((Boolean) v);
    } else if (type instanceof ShortType) {
      return Literal.ofShort((Short) v);
    } else if (type instanceof ByteType) {
      return Literal.ofByte((Byte) v);
    } else if (type instanceof DoubleType) {
      return Literal.ofDouble((Double) v);
    } else if (type instanceof FloatType) {
      return Literal.ofFloat((Float) v);
    } else if (type instanceof DecimalType dt) {
      return Literal.ofDecimal((BigDecimal) v, dt.getPrecision(), dt.getScale());
    }
    throw new IllegalArgumentException("unsupported partition column type " + type);
  }
}
