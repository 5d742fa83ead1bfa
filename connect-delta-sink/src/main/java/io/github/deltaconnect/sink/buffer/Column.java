package io.github.deltaconnect.sink.buffer;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One buffered column, appended a value at a time in the Java form {@code RowConverter} produces
 * (structs as {@code Object[]}, arrays as {@link List}, maps as {@link java.util.Map}) and read
 * back by row index. Scalars live in primitive arrays and text in byte arrays, so a batch of
 * millions of rows is a few hundred objects rather than tens of millions: the garbage collector
 * neither traces nor copies what waits for the commit.
 */
abstract class Column {
  final DataType type;
  private final NullMask nulls;
  int size;

  Column(DataType type, Allocation allocation) {
    this.type = type;
    this.nulls = new NullMask(allocation);
    allocation.add(48);
  }

  /** An empty column of {@code type} whose arrays are counted in {@code allocation}. */
  static Column of(DataType type, Allocation allocation) {
    if (type instanceof StringType || type instanceof BinaryType) {
      return new Bytes(type, allocation);
    }
    if (type instanceof StructType st) {
      return new Struct(st, allocation);
    }
    if (type instanceof ArrayType at) {
      return new Array(at, allocation);
    }
    if (type instanceof MapType mt) {
      return new Map(mt, allocation);
    }
    if (type instanceof BooleanType || type instanceof ByteType || type instanceof ShortType
        || type instanceof IntegerType || type instanceof DateType || type instanceof LongType
        || type instanceof TimestampType || type instanceof TimestampNTZType
        || type instanceof FloatType || type instanceof DoubleType) {
      return new Fixed(type, allocation);
    }
    return new Objects(type, allocation); // decimals and anything rarer
  }

  final void append(Object value) {
    nulls.append(value == null);
    if (value == null) {
      appendNull();
    } else {
      appendValue(value);
    }
    size++;
  }

  abstract void appendValue(Object value);

  /** Keeps the column's storage aligned with the row index for a null. */
  abstract void appendNull();

  boolean isNull(int row) {
    return nulls.isNull(row);
  }

  long fixed(int row) {
    throw new UnsupportedOperationException(type + " is not a fixed-width column");
  }

  String string(int row) {
    throw new UnsupportedOperationException(type + " is not a string column");
  }

  byte[] binary(int row) {
    throw new UnsupportedOperationException(type + " is not a binary column");
  }

  /** The address of a string or binary value in its byte chunks (see {@link ByteChunks}). */
  long address(int row) {
    throw new UnsupportedOperationException(type + " is not a binary column");
  }

  int length(int row) {
    throw new UnsupportedOperationException(type + " is not a binary column");
  }

  byte[] chunk(long address) {
    throw new UnsupportedOperationException(type + " is not a binary column");
  }

  Object object(int row) {
    throw new UnsupportedOperationException(type + " is not an object column");
  }

  /** Booleans, integers, dates, timestamps and floating point, each as 64 bits. */
  static final class Fixed extends Column {
    private final LongChunks values;

    Fixed(DataType type, Allocation allocation) {
      super(type, allocation);
      values = new LongChunks(allocation);
    }

    @Override
    void appendValue(Object value) {
      long bits;
      if (value instanceof Double d) {
        bits = Double.doubleToRawLongBits(d);
      } else if (value instanceof Float f) {
        bits = Float.floatToRawIntBits(f);
      } else if (value instanceof Boolean b) {
        bits = b ? 1 : 0;
      } else {
        bits = ((Number) value).longValue();
      }
      values.add(bits);
    }

    @Override
    void appendNull() {
      values.add(0L);
    }

    @Override
    long fixed(int row) {
      return values.get(row);
    }
  }

  /** Strings as UTF-8 and binary values, copied into shared byte arrays. */
  static final class Bytes extends Column {
    private final ByteChunks data;
    private final LongChunks addresses;
    private final LongChunks lengths;

    Bytes(DataType type, Allocation allocation) {
      super(type, allocation);
      data = new ByteChunks(allocation);
      addresses = new LongChunks(allocation);
      lengths = new LongChunks(allocation);
    }

    @Override
    void appendValue(Object value) {
      if (value instanceof String s && isAscii(s)) {
        addresses.add(data.addAscii(s));
        lengths.add(s.length());
        return;
      }
      byte[] b = value instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) value;
      addresses.add(data.add(b));
      lengths.add(b.length);
    }

    private static boolean isAscii(String s) {
      for (int i = 0, n = s.length(); i < n; i++) {
        if (s.charAt(i) >= 0x80) {
          return false;
        }
      }
      return true;
    }

    @Override
    void appendNull() {
      addresses.add(0L);
      lengths.add(0L);
    }

    @Override
    String string(int row) {
      return data.string(addresses.get(row), (int) lengths.get(row));
    }

    @Override
    byte[] binary(int row) {
      return data.bytes(addresses.get(row), (int) lengths.get(row));
    }

    @Override
    long address(int row) {
      return addresses.get(row);
    }

    @Override
    int length(int row) {
      return (int) lengths.get(row);
    }

    @Override
    byte[] chunk(long address) {
      return data.chunk(address);
    }
  }

  /** Values kept as objects (decimals): rare enough not to need a packed form. */
  static final class Objects extends Column {
    private final List<Object> values = new ArrayList<>();
    private final Allocation allocation;

    Objects(DataType type, Allocation allocation) {
      super(type, allocation);
      this.allocation = allocation;
    }

    @Override
    void appendValue(Object value) {
      values.add(value);
      // the reference (with the list's growth slack) and the object
      allocation.add(value instanceof BigDecimal d ? SizeEstimator.decimal(d) : 12 + 32);
    }

    @Override
    void appendNull() {
      values.add(null);
      allocation.add(12);
    }

    @Override
    Object object(int row) {
      return values.get(row);
    }
  }

  /** A struct: one child column per field, appended in step (null structs add null children). */
  static final class Struct extends Column {
    final Column[] children;

    Struct(StructType type, Allocation allocation) {
      super(type, allocation);
      children = new Column[type.length()];
      for (int i = 0; i < children.length; i++) {
        children[i] = Column.of(type.at(i).getDataType(), allocation);
      }
    }

    @Override
    void appendValue(Object value) {
      Object[] fields = (Object[]) value;
      for (int i = 0; i < children.length; i++) {
        children[i].append(fields[i]);
      }
    }

    @Override
    void appendNull() {
      for (Column child : children) {
        child.append(null);
      }
    }
  }

  /**
   * A column whose rows hold a run of values in child columns (arrays, maps): where each row's run
   * starts; it ends where the next row's starts.
   */
  abstract static class Repeated extends Column {
    private final LongChunks starts;

    Repeated(DataType type, Allocation allocation) {
      super(type, allocation);
      starts = new LongChunks(allocation);
    }

    /** How many values the child columns hold. */
    abstract int childSize();

    @Override
    final void appendNull() {
      starts.add(childSize());
    }

    /** Marks where the row being appended starts in the child columns. */
    final void startRow() {
      starts.add(childSize());
    }

    final int start(int row) {
      return (int) starts.get(row);
    }

    final int end(int row) {
      return row + 1 < size ? (int) starts.get(row + 1) : childSize();
    }
  }

  /** An array: its elements, back to back in one element column. */
  static final class Array extends Repeated {
    final Column elements;

    Array(ArrayType type, Allocation allocation) {
      super(type, allocation);
      elements = Column.of(type.getElementType(), allocation);
    }

    @Override
    int childSize() {
      return elements.size;
    }

    @Override
    void appendValue(Object value) {
      startRow();
      for (Object element : (List<?>) value) {
        elements.append(element);
      }
    }
  }

  /** A map: its entries, back to back in a key column and a value column. */
  static final class Map extends Repeated {
    final Column keys;
    final Column values;

    Map(MapType type, Allocation allocation) {
      super(type, allocation);
      keys = Column.of(type.getKeyType(), allocation);
      values = Column.of(type.getValueType(), allocation);
    }

    @Override
    int childSize() {
      return keys.size;
    }

    @Override
    void appendValue(Object value) {
      startRow();
      for (java.util.Map.Entry<?, ?> e : ((java.util.Map<?, ?>) value).entrySet()) {
        keys.append(e.getKey());
        values.append(e.getValue());
      }
    }
  }
}
