package io.github.deltaconnect.sink.buffer;

import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.types.DataType;
import java.math.BigDecimal;

/**
 * A read-only {@link ColumnVector} over rows {@code [start, start + size)} of a buffered
 * {@link Column}: a table column, a struct's child, or one array's or map's elements. String and
 * binary columns also give their bytes in place ({@link ByteSlices}), for the Parquet writer.
 */
final class ColumnView implements ColumnVector, ByteSlices {
  private final Column column;
  private final int start;
  private final int size;

  ColumnView(Column column, int start, int size) {
    this.column = column;
    this.start = start;
    this.size = size;
  }

  @Override
  public DataType getDataType() {
    return column.type;
  }

  @Override
  public int getSize() {
    return size;
  }

  @Override
  public void close() {}

  @Override
  public boolean isNullAt(int rowId) {
    return column.isNull(start + rowId);
  }

  @Override
  public boolean getBoolean(int rowId) {
    return column.fixed(start + rowId) != 0;
  }

  @Override
  public byte getByte(int rowId) {
    return (byte) column.fixed(start + rowId);
  }

  @Override
  public short getShort(int rowId) {
    return (short) column.fixed(start + rowId);
  }

  @Override
  public int getInt(int rowId) {
    return (int) column.fixed(start + rowId);
  }

  @Override
  public long getLong(int rowId) {
    return column.fixed(start + rowId);
  }

  @Override
  public float getFloat(int rowId) {
    return Float.intBitsToFloat((int) column.fixed(start + rowId));
  }

  @Override
  public double getDouble(int rowId) {
    return Double.longBitsToDouble(column.fixed(start + rowId));
  }

  @Override
  public String getString(int rowId) {
    return column.isNull(start + rowId) ? null : column.string(start + rowId);
  }

  @Override
  public byte[] getBinary(int rowId) {
    return column.isNull(start + rowId) ? null : column.binary(start + rowId);
  }

  @Override
  public byte[] array(int rowId) {
    return column.chunk(column.address(start + rowId));
  }

  @Override
  public int offset(int rowId) {
    return (int) column.address(start + rowId);
  }

  @Override
  public int length(int rowId) {
    return column.length(start + rowId);
  }

  @Override
  public BigDecimal getDecimal(int rowId) {
    return (BigDecimal) column.object(start + rowId);
  }

  @Override
  public ColumnVector getChild(int ordinal) {
    return new ColumnView(((Column.Struct) column).children[ordinal], start, size);
  }

  @Override
  public ArrayValue getArray(int rowId) {
    int row = start + rowId;
    if (column.isNull(row)) {
      return null;
    }
    Column.Array array = (Column.Array) column;
    int from = array.start(row);
    int length = array.end(row) - from;
    ColumnView elements = new ColumnView(array.elements, from, length);
    return new ArrayValue() {
      @Override
      public int getSize() {
        return length;
      }

      @Override
      public ColumnVector getElements() {
        return elements;
      }
    };
  }

  @Override
  public MapValue getMap(int rowId) {
    int row = start + rowId;
    if (column.isNull(row)) {
      return null;
    }
    Column.Map map = (Column.Map) column;
    int from = map.start(row);
    int length = map.end(row) - from;
    ColumnView keys = new ColumnView(map.keys, from, length);
    ColumnView values = new ColumnView(map.values, from, length);
    return new MapValue() {
      @Override
      public int getSize() {
        return length;
      }

      @Override
      public ColumnVector getKeys() {
        return keys;
      }

      @Override
      public ColumnVector getValues() {
        return values;
      }
    };
  }
}
