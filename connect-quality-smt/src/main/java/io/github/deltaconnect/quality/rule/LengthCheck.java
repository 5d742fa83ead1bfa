package io.github.deltaconnect.quality.rule;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;

/**
 * A length within bounds: characters (code points) of a string, bytes of binary data, elements of
 * a list, entries of a map. Null and absent values pass.
 */
public final class LengthCheck extends PathCheck {
  private final Integer min;
  private final Integer max;

  public LengthCheck(FieldPath path, Integer min, Integer max, boolean showValues) {
    super(path, showValues);
    this.min = min;
    this.max = max;
  }

  @Override
  String check(Object value) {
    if (PathCheck.nothing(value)) {
      return null;
    }
    long length;
    if (value instanceof String s) {
      length = s.codePointCount(0, s.length());
    } else if (value instanceof byte[] b) {
      length = b.length;
    } else if (value instanceof ByteBuffer b) {
      length = b.remaining();
    } else if (value instanceof Collection<?> c) {
      length = c.size();
    } else if (value instanceof Map<?, ?> m) {
      length = m.size();
    } else {
      return path + " is " + show(value) + ", which has no length";
    }
    if (min != null && length < min) {
      return path + " has length " + length + ", below the minimum " + min;
    }
    if (max != null && length > max) {
      return path + " has length " + length + ", above the maximum " + max;
    }
    return null;
  }
}
