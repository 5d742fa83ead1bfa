package io.github.deltaconnect.sink.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Random cell values in RowConverter's form, for tests that fill buffers with every type. */
public final class RandomValues {
  private RandomValues() {}

  /** {@code value}, or null about one time in five. */
  public static Object maybe(Random r, Object value) {
    return r.nextInt(5) == 0 ? null : value;
  }

  /** Up to 19 random bytes (sometimes none). */
  public static byte[] bytes(Random r) {
    byte[] b = new byte[r.nextInt(20)];
    r.nextBytes(b);
    return b;
  }

  /** A list of up to three short strings, some null. */
  public static List<Object> tags(Random r) {
    List<Object> tags = new ArrayList<>();
    for (int n = r.nextInt(4); n > 0; n--) {
      tags.add(r.nextInt(4) == 0 ? null : "t" + r.nextInt(100));
    }
    return tags;
  }

  /** A map of up to two string keys to longs, some null. */
  public static Map<Object, Object> attrs(Random r) {
    Map<Object, Object> attrs = new LinkedHashMap<>();
    for (int n = r.nextInt(3); n > 0; n--) {
      attrs.put("k" + n, r.nextInt(4) == 0 ? null : r.nextLong());
    }
    return attrs;
  }
}
