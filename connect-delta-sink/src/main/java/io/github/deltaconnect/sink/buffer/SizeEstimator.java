package io.github.deltaconnect.sink.buffer;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Estimates the heap a converted row will take once appended to the buffer's columns (see
 * {@link Column}: 8 bytes per scalar, text as UTF-8 plus its address and length), so the memory
 * budget is checked before a row is added; the buffer then counts what it really allocated.
 */
public final class SizeEstimator {
  private static final int SCALAR = 8;
  private static final int VARIABLE = 16; // address and length

  private SizeEstimator() {}

  public static long row(Object[] row) {
    long size = 0;
    for (Object v : row) {
      size += value(v);
    }
    return size;
  }

  /** A decimal kept as an object: its reference in the column and the BigDecimal itself. */
  static long decimal(BigDecimal d) {
    return 52L + d.unscaledValue().bitLength() / 8;
  }

  static long value(Object v) {
    if (v == null) {
      return SCALAR;
    }
    if (v instanceof String s) {
      return VARIABLE + s.length(); // UTF-8 of non-Latin text is undercounted up to 3x
    }
    if (v instanceof byte[] b) {
      return VARIABLE + b.length;
    }
    if (v instanceof BigDecimal d) {
      return decimal(d);
    }
    if (v instanceof Object[] a) {
      return row(a);
    }
    if (v instanceof List<?> list) {
      long size = SCALAR;
      for (Object e : list) {
        size += value(e);
      }
      return size;
    }
    if (v instanceof Map<?, ?> map) {
      long size = SCALAR;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        size += value(e.getKey()) + value(e.getValue());
      }
      return size;
    }
    return SCALAR;
  }
}
