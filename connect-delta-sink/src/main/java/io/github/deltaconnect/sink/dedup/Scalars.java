package io.github.deltaconnect.sink.dedup;

import io.delta.kernel.data.ColumnVector;
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
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;

/**
 * Reads one scalar of a Kernel column vector in the form the row converter produces (dates as
 * epoch days, timestamps as epoch microseconds), so values read back from the table hash and
 * compare like the values of incoming records.
 */
public final class Scalars {
  private Scalars() {}

  public static Object read(ColumnVector v, int row) {
    if (v.isNullAt(row)) {
      return null;
    }
    DataType t = v.getDataType();
    if (t instanceof StringType) {
      return v.getString(row);
    } else if (t instanceof LongType || t instanceof TimestampType
        || t instanceof TimestampNTZType) {
      return v.getLong(row);
    } else if (t instanceof IntegerType || t instanceof DateType) {
      return v.getInt(row);
    } else if (t instanceof ShortType) {
      return v.getShort(row);
    } else if (t instanceof ByteType) {
      return v.getByte(row);
    } else if (t instanceof BooleanType) {
      return v.getBoolean(row);
    } else if (t instanceof DoubleType) {
      return v.getDouble(row);
    } else if (t instanceof FloatType) {
      return v.getFloat(row);
    } else if (t instanceof DecimalType) {
      return v.getDecimal(row);
    } else if (t instanceof BinaryType) {
      return v.getBinary(row);
    }
    throw new IllegalArgumentException("not a scalar column: " + t);
  }
}
