package io.github.deltaconnect.sink.write;

import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StructType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A read-only {@link ColumnVector} over Java values produced by {@code RowConverter}: an accessor
 * picks the value for a row id, so a column of a row list, a struct's child, an array's elements and
 * a map's keys or values are all the same class.
 */
final class ValueVector implements ColumnVector {

  /** Reads the value at a row id; returns null for null. */
  private interface Accessor {
    Object get(int rowId);
  }

  private final DataType type;
  private final int size;
  private final Accessor accessor;

  private ValueVector(DataType type, int size, Accessor accessor) {
    this.type = type;
    this.size = size;
    this.accessor = accessor;
  }

  /** Column {@code ordinal} of a list of rows. */
  static ValueVector column(DataType type, List<Object[]> rows, int ordinal) {
    return new ValueVector(type, rows.size(), rowId -> rows.get(rowId)[ordinal]);
  }

  static ValueVector of(DataType type, List<?> values) {
    return new ValueVector(type, values.size(), values::get);
  }

  @Override
  public DataType getDataType() {
    return type;
  }

  @Override
  public int getSize() {
    return size;
  }

  @Override
  public void close() {}

  @Override
  public boolean isNullAt(int rowId) {
    return accessor.get(rowId) == null;
  }

  @Override
  public boolean getBoolean(int rowId) {
    return (Boolean) accessor.get(rowId);
  }

  @Override
  public byte getByte(int rowId) {
    return (Byte) accessor.get(rowId);
  }

  @Override
  public short getShort(int rowId) {
    return (Short) accessor.get(rowId);
  }

  @Override
  public int getInt(int rowId) {
    return (Integer) accessor.get(rowId);
  }

  @Override
  public long getLong(int rowId) {
    return (Long) accessor.get(rowId);
  }

  @Override
  public float getFloat(int rowId) {
    return (Float) accessor.get(rowId);
  }

  @Override
  public double getDouble(int rowId) {
    return (Double) accessor.get(rowId);
  }

  @Override
  public byte[] getBinary(int rowId) {
    return (byte[]) accessor.get(rowId);
  }

  @Override
  public String getString(int rowId) {
    return (String) accessor.get(rowId);
  }

  @Override
  public BigDecimal getDecimal(int rowId) {
    return (BigDecimal) accessor.get(rowId);
  }

  @Override
  public ColumnVector getChild(int ordinal) {
    StructType struct = (StructType) type;
    return new ValueVector(struct.at(ordinal).getDataType(), size, rowId -> {
      Object[] s = (Object[]) accessor.get(rowId);
      return s == null ? null : s[ordinal];
    });
  }

  @Override
  public ArrayValue getArray(int rowId) {
    List<?> list = (List<?>) accessor.get(rowId);
    if (list == null) {
      return null;
    }
    ValueVector elements = of(((ArrayType) type).getElementType(), list);
    return new ArrayValue() {
      @Override
      public int getSize() {
        return list.size();
      }

      @Override
      public ColumnVector getElements() {
        return elements;
      }
    };
  }

  @Override
  public MapValue getMap(int rowId) {
    Map<?, ?> map = (Map<?, ?>) accessor.get(rowId);
    if (map == null) {
      return null;
    }
    MapType mt = (MapType) type;
    List<Object> keys = new ArrayList<>(map.size());
    List<Object> values = new ArrayList<>(map.size());
    map.forEach((k, v) -> {
      keys.add(k);
      values.add(v);
    });
    ValueVector keyVector = of(mt.getKeyType(), keys);
    ValueVector valueVector = of(mt.getValueType(), values);
    return new MapValue() {
      @Override
      public int getSize() {
        return keys.size();
      }

      @Override
      public ColumnVector getKeys() {
        return keyVector;
      }

      @Override
      public ColumnVector getValues() {
        return valueVector;
      }
    };
  }
}
