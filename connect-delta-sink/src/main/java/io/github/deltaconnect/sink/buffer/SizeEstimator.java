package io.github.deltaconnect.sink.buffer;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Estimates the heap a converted row holds (object headers, references, payload), so the memory
 * budget bounds what the task really keeps, not only the Kafka bytes it read.
 */
public final class SizeEstimator {
  private static final int HEADER = 16;
  private static final int REF = 8;

  private SizeEstimator() {}

  public static long row(Object[] row) {
    return array(row) + REF; // plus the bucket list's reference to it
  }

  private static long array(Object[] values) {
    long size = HEADER + (long) REF * values.length;
    for (Object v : values) {
      size += value(v);
    }
    return size;
  }

  static long value(Object v) {
    if (v == null) {
      return 0;
    }
    if (v instanceof String s) {
      return 40L + s.length(); // String + compact Latin-1 byte[]; UTF-16 strings are undercounted 2x
    }
    if (v instanceof byte[] b) {
      return HEADER + b.length;
    }
    if (v instanceof Long || v instanceof Double) {
      return 24;
    }
    if (v instanceof Number || v instanceof Boolean) {
      return 16;
    }
    if (v instanceof BigDecimal d) {
      return 40L + d.unscaledValue().bitLength() / 8;
    }
    if (v instanceof Object[] a) {
      return array(a);
    }
    if (v instanceof List<?> list) {
      long size = 40L + (long) REF * list.size();
      for (Object e : list) {
        size += value(e);
      }
      return size;
    }
    if (v instanceof Map<?, ?> map) {
      long size = 64L + 48L * map.size();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        size += value(e.getKey()) + value(e.getValue());
      }
      return size;
    }
    return 32;
  }
}
