package io.github.deltaconnect.sink.gate;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Metrics of a batch, read from the buffered columns (no extra pass over records): null counts
 * walk the column vectors, the schema hash hashes the table schema's JSON.
 */
public final class BatchMetrics {

  private BatchMetrics() {}

  /** Where a field path leads in {@code schema}: ordinals per step; IllegalArgumentException if not. */
  public static int[] resolve(StructType schema, List<String> path) {
    int[] ordinals = new int[path.size()];
    DataType current = schema;
    for (int i = 0; i < path.size(); i++) {
      if (!(current instanceof StructType struct)) {
        throw new IllegalArgumentException("'" + String.join(".", path.subList(0, i))
            + "' is not a struct, so it has no field '" + path.get(i) + "'");
      }
      int ordinal = struct.indexOf(path.get(i));
      if (ordinal < 0) {
        throw new IllegalArgumentException("the table has no column '"
            + String.join(".", path.subList(0, i + 1)) + "'");
      }
      ordinals[i] = ordinal;
      current = struct.at(ordinal).getDataType();
    }
    return ordinals;
  }

  /** Rows where the path's value, or a struct on its way, is null. */
  public static long nulls(Iterable<ColumnarBatch> batches, int[] ordinals) {
    long nulls = 0;
    for (ColumnarBatch batch : batches) {
      ColumnVector[] steps = vectors(batch, ordinals);
      int size = batch.getSize();
      for (int row = 0; row < size; row++) {
        for (ColumnVector step : steps) {
          if (step.isNullAt(row)) {
            nulls++;
            break;
          }
        }
      }
    }
    return nulls;
  }

  /**
   * The smallest or largest non-null value at the path, as a double (dates in days, timestamps in
   * micros since the epoch), or null when every value is null. IllegalArgumentException when the
   * column is not numeric.
   */
  public static Double extreme(Iterable<ColumnarBatch> batches, int[] ordinals, boolean max) {
    Double best = null;
    for (ColumnarBatch batch : batches) {
      ColumnVector[] steps = vectors(batch, ordinals);
      ColumnVector leaf = steps[steps.length - 1];
      DataType type = leaf.getDataType();
      int size = batch.getSize();
      rows:
      for (int row = 0; row < size; row++) {
        for (ColumnVector step : steps) {
          if (step.isNullAt(row)) {
            continue rows;
          }
        }
        double v = number(leaf, type, row);
        if (best == null || (max ? v > best : v < best)) {
          best = v;
        }
      }
    }
    return best;
  }

  /** Whether min_/max_ can read the type. */
  public static boolean numeric(DataType type) {
    return type instanceof ByteType || type instanceof ShortType || type instanceof IntegerType
        || type instanceof LongType || type instanceof FloatType || type instanceof DoubleType
        || type instanceof DecimalType || type instanceof DateType || type instanceof TimestampType
        || type instanceof TimestampNTZType;
  }

  private static double number(ColumnVector v, DataType type, int row) {
    if (type instanceof ByteType) {
      return v.getByte(row);
    } else if (type instanceof ShortType) {
      return v.getShort(row);
    } else if (type instanceof IntegerType || type instanceof DateType) {
      return v.getInt(row);
    } else if (type instanceof LongType || type instanceof TimestampType
        || type instanceof TimestampNTZType) {
      return v.getLong(row);
    } else if (type instanceof FloatType) {
      return v.getFloat(row);
    } else if (type instanceof DoubleType) {
      return v.getDouble(row);
    } else if (type instanceof DecimalType) {
      return v.getDecimal(row).doubleValue();
    }
    throw new IllegalArgumentException("column of type " + type + " is not numeric");
  }

  private static ColumnVector[] vectors(ColumnarBatch batch, int[] ordinals) {
    ColumnVector[] steps = new ColumnVector[ordinals.length];
    ColumnVector v = batch.getColumnVector(ordinals[0]);
    steps[0] = v;
    for (int i = 1; i < ordinals.length; i++) {
      v = v.getChild(ordinals[i]);
      steps[i] = v;
    }
    return steps;
  }

  /**
   * A stable hash of a schema: SHA-256 of the column names, types and nullability in order (not
   * Kernel's JSON, whose metadata such as column mapping ids may differ for the same shape).
   */
  public static String schemaHash(StructType schema) {
    StringBuilder text = new StringBuilder();
    describe(schema, text);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void describe(DataType type, StringBuilder out) {
    if (type instanceof StructType struct) {
      out.append("struct<");
      for (StructField f : struct.fields()) {
        out.append(f.getName()).append(f.isNullable() ? "?" : "").append(':');
        describe(f.getDataType(), out);
        out.append(',');
      }
      out.append('>');
    } else if (type instanceof io.delta.kernel.types.ArrayType array) {
      out.append("array<");
      describe(array.getElementType(), out);
      out.append(array.containsNull() ? "?" : "").append('>');
    } else if (type instanceof io.delta.kernel.types.MapType map) {
      out.append("map<");
      describe(map.getKeyType(), out);
      out.append(',');
      describe(map.getValueType(), out);
      out.append(map.isValueContainsNull() ? "?" : "").append('>');
    } else {
      out.append(type.toString());
    }
  }
}
