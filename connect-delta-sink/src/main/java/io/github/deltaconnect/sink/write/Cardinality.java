package io.github.deltaconnect.sink.write;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.types.BasePrimitiveType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.github.deltaconnect.sink.buffer.ByteSlices;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * Which columns of a batch are worth dictionary encoding. Parquet tries a dictionary on every
 * column and gives up only once it outgrows its page; for a column of mostly distinct values (ids,
 * timestamps) that is a hash lookup per value for nothing, about a third of the write. A random
 * sample tells the two apart before writing: the number of distinct values is estimated from how
 * many distinct ones the sample holds, and a column gets a dictionary when that many values fit
 * the dictionary page and each repeats at least twice on average.
 */
final class Cardinality {
  static final int SAMPLE = 1024;

  private Cardinality() {}

  /** Dotted Parquet paths of the leaf columns (outside lists and maps) that should not use one. */
  static List<String> withoutDictionary(StructType schema,
      IntFunction<ColumnVector> columns, int rows, long dictionaryPageBytes) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < schema.length(); i++) {
      collect(schema.at(i).getName(), schema.at(i).getDataType(), columns.apply(i), rows,
          dictionaryPageBytes, out);
    }
    return out;
  }

  private static void collect(String path, DataType type, ColumnVector vector, int rows,
      long pageBytes, List<String> out) {
    if (type instanceof StructType st) {
      for (int i = 0; i < st.length(); i++) {
        collect(path + "." + st.at(i).getName(), st.at(i).getDataType(), vector.getChild(i), rows,
            pageBytes, out);
      }
      return;
    }
    if (type instanceof BooleanType || !isScalar(type)) {
      return; // booleans are bit-packed anyway; lists and maps keep Parquet's default
    }
    if (!worthIt(type, vector, rows, pageBytes)) {
      out.add(path);
    }
  }

  private static boolean isScalar(DataType type) {
    return type instanceof BasePrimitiveType || type instanceof DecimalType;
  }

  static boolean worthIt(DataType type, ColumnVector vector, int rows, long pageBytes) {
    if (rows < 2 * SAMPLE) {
      return true; // small files: the dictionary costs little either way
    }
    // Rows drawn at random (not strided: values often come in runs, as a session's events do),
    // from a seed fixed per row count so the same batch is always written the same way.
    SplittableRandom random = new SplittableRandom(rows);
    long[] hashes = new long[SAMPLE];
    int n = 0;
    long bytes = 0;
    boolean text = type instanceof StringType || type instanceof BinaryType;
    for (int draw = 0; draw < SAMPLE; draw++) {
      int row = random.nextInt(rows);
      if (vector.isNullAt(row)) {
        continue;
      }
      if (text && vector instanceof ByteSlices slices) {
        int length = slices.length(row);
        bytes += length;
        hashes[n++] = hash(slices.array(row), slices.offset(row), length);
      } else if (text) {
        byte[] value = RowWriter.bytesOf(type, vector, row);
        bytes += value.length;
        hashes[n++] = hash(value, 0, value.length);
      } else {
        hashes[n++] = mix(bits(type, vector, row));
      }
    }
    if (n < SAMPLE / 2) {
      return true; // mostly nulls: few values to encode either way
    }
    Arrays.sort(hashes, 0, n);
    int distinct = 1;
    for (int i = 1; i < n; i++) {
      if (hashes[i] != hashes[i - 1]) {
        distinct++;
      }
    }
    double values = distinctValues(n, distinct);
    double width = text ? (double) bytes / n + 4 : 8;
    return values <= rows / 2.0 && values * width <= pageBytes;
  }

  /**
   * How many equally frequent values a column holds when {@code n} random draws from it found
   * {@code seen} distinct ones: the D for which the expected number seen, D (1 - e^(-n/D)), is
   * {@code seen}. Infinite when every draw was new.
   */
  static double distinctValues(int n, int seen) {
    if (seen >= n) {
      return Double.POSITIVE_INFINITY;
    }
    double low = seen;
    double high = 1e15;
    for (int i = 0; i < 100 && high - low > 0.5; i++) {
      double mid = Math.sqrt(low * high); // values span orders of magnitude: bisect the logarithm
      if (mid * -Math.expm1(-n / mid) < seen) {
        low = mid;
      } else {
        high = mid;
      }
    }
    return low;
  }

  private static long hash(byte[] array, int from, int length) {
    long h = 0x9E3779B97F4A7C15L ^ length;
    for (int i = from, end = from + length; i < end; i++) {
      h = (h ^ array[i]) * 0x100000001B3L;
    }
    return mix(h);
  }

  private static long bits(DataType type, ColumnVector vector, int row) {
    if (type instanceof DoubleType) {
      return Double.doubleToLongBits(vector.getDouble(row));
    }
    if (type instanceof FloatType) {
      return Float.floatToIntBits(vector.getFloat(row));
    }
    if (type instanceof DecimalType) {
      return vector.getDecimal(row).hashCode();
    }
    if (type instanceof IntegerType || type instanceof DateType) {
      return vector.getInt(row);
    }
    if (type instanceof ShortType) {
      return vector.getShort(row);
    }
    if (type instanceof ByteType) {
      return vector.getByte(row);
    }
    return vector.getLong(row);
  }

  /** A 64-bit finaliser (SplitMix64), so nearby values do not cluster. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
