package io.github.deltaconnect.rules;

import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * How values without a Connect schema look to CEL: integers are {@code int}, floats and decimals
 * {@code double}, {@code byte[]} and buffers {@code bytes}, {@link java.util.Date} a
 * {@code timestamp}, lists lists, maps maps (keys as they are, values converted), a {@link Struct}
 * a map of its non-null fields. A null map value or list element is CEL {@code null}. Anything
 * else (a custom object) cannot be read and fails the rules that see it.
 */
final class DynamicValues {

  private DynamicValues() {}

  static Object toCel(Object value) {
    if (value == null) {
      return NullValue.NULL_VALUE;
    }
    if (value instanceof String || value instanceof Boolean || value instanceof Long
        || value instanceof Double) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float || value instanceof BigDecimal) {
      return ((Number) value).doubleValue();
    }
    if (value instanceof BigInteger big) {
      return big.bitLength() < 64 ? big.longValue() : big.doubleValue();
    }
    if (value instanceof byte[] bytes) {
      return CelByteString.of(bytes);
    }
    if (value instanceof ByteBuffer buffer) {
      byte[] copy = new byte[buffer.remaining()];
      buffer.duplicate().get(copy);
      return CelByteString.of(copy);
    }
    if (value instanceof java.util.Date date) {
      return Instant.ofEpochMilli(date.getTime());
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object element : list) {
        out.add(toCel(element));
      }
      return out;
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new HashMap<>(map.size() * 2);
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.put(toCel(e.getKey()), toCel(e.getValue()));
      }
      return out;
    }
    if (value instanceof Struct struct) {
      Map<Object, Object> out = new HashMap<>();
      for (Field field : struct.schema().fields()) {
        Object v = struct.get(field);
        if (v != null) { // as in MessageBinding: a null field is absent, so has() is false
          out.put(field.name(), toCel(v));
        }
      }
      return out;
    }
    throw new IllegalArgumentException("a " + value.getClass().getName() + " has no CEL type");
  }
}
