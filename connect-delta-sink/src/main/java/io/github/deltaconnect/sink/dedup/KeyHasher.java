package io.github.deltaconnect.sink.dedup;

import java.math.BigDecimal;
import java.util.Arrays;

/**
 * A 128-bit hash (MurmurHash3 x64/128) of a key's values in a canonical byte form, so equal keys
 * hash equal whatever column type carries them: integers of any width as 8 bytes (a column widened
 * from int to long keeps its keys), floats as doubles with -0.0 folded into 0.0, decimals by value,
 * strings as UTF-8. 128 bits make an accidental collision (which would drop a distinct record) about
 * as likely as a 2^-64 event per pair of keys: negligible at any table size.
 *
 * <p>Not thread-safe: one per task, reused for every record (no allocation per key).
 */
public final class KeyHasher {
  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;

  private byte[] buf = new byte[64];
  private int len;
  private long hi;
  private long lo;

  /** Hashes {@code values} (one per key field, in key order); read the result with hi()/lo(). */
  public void hash(Object[] values) {
    len = 0;
    for (Object v : values) {
      put(v);
    }
    murmur();
  }

  /** The hash of raw bytes, for checking the hash function against reference vectors. */
  void hashBytes(byte[] bytes) {
    len = 0;
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, 0, bytes.length);
    len = bytes.length;
    murmur();
  }

  public long hi() {
    return hi;
  }

  public long lo() {
    return lo;
  }

  private void put(Object v) {
    if (v == null) {
      tag(0);
    } else if (v instanceof String s) {
      tag(1);
      string(s);
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      tag(2);
      long8(((Number) v).longValue());
    } else if (v instanceof Boolean b) {
      tag(3);
      ensure(1);
      buf[len++] = (byte) (b ? 1 : 0);
    } else if (v instanceof Double || v instanceof Float) {
      tag(4);
      double d = ((Number) v).doubleValue();
      long8(Double.doubleToLongBits(d == 0.0 ? 0.0 : d)); // -0.0 == 0.0; NaNs are one NaN
    } else if (v instanceof BigDecimal d) {
      tag(5);
      BigDecimal n = d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
      string(n.toPlainString());
    } else if (v instanceof byte[] b) {
      tag(6);
      int32(b.length);
      ensure(b.length);
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
    } else {
      throw new IllegalArgumentException("not a key value: " + v.getClass().getName());
    }
  }

  private void tag(int t) {
    ensure(1);
    buf[len++] = (byte) t;
  }

  /** Length, then UTF-8 (surrogate pairs as 4 bytes), written without a byte[] per string. */
  private void string(String s) {
    int n = s.length();
    int lengthAt = len;
    int32(0);
    ensure(n * 3);
    int start = len;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        buf[len++] = (byte) c;
      } else if (c < 0x800) {
        buf[len++] = (byte) (0xC0 | (c >> 6));
        buf[len++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        buf[len++] = (byte) (0xF0 | (cp >> 18));
        buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        buf[len++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        buf[len++] = (byte) (0xE0 | (c >> 12));
        buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        buf[len++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    int bytes = len - start;
    buf[lengthAt] = (byte) (bytes >>> 24);
    buf[lengthAt + 1] = (byte) (bytes >>> 16);
    buf[lengthAt + 2] = (byte) (bytes >>> 8);
    buf[lengthAt + 3] = (byte) bytes;
  }

  private void int32(int v) {
    ensure(4);
    buf[len++] = (byte) (v >>> 24);
    buf[len++] = (byte) (v >>> 16);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
  }

  private void long8(long v) {
    ensure(8);
    for (int s = 56; s >= 0; s -= 8) {
      buf[len++] = (byte) (v >>> s);
    }
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }

  /** MurmurHash3 x64/128 of buf[0, len), seed 0. */
  private void murmur() {
    long h1 = 0;
    long h2 = 0;
    int blocks = len >>> 4;
    for (int i = 0; i < blocks; i++) {
      long k1 = littleLong(i << 4);
      long k2 = littleLong((i << 4) + 8);
      h1 ^= mixK1(k1);
      h1 = Long.rotateLeft(h1, 27);
      h1 += h2;
      h1 = h1 * 5 + 0x52dce729;
      h2 ^= mixK2(k2);
      h2 = Long.rotateLeft(h2, 31);
      h2 += h1;
      h2 = h2 * 5 + 0x38495ab5;
    }
    int tail = blocks << 4;
    long k1 = 0;
    long k2 = 0;
    switch (len & 15) {
      case 15: k2 ^= (long) (buf[tail + 14] & 0xff) << 48; // fall through
      case 14: k2 ^= (long) (buf[tail + 13] & 0xff) << 40; // fall through
      case 13: k2 ^= (long) (buf[tail + 12] & 0xff) << 32; // fall through
      case 12: k2 ^= (long) (buf[tail + 11] & 0xff) << 24; // fall through
      case 11: k2 ^= (long) (buf[tail + 10] & 0xff) << 16; // fall through
      case 10: k2 ^= (long) (buf[tail + 9] & 0xff) << 8; // fall through
      case 9:
        k2 ^= buf[tail + 8] & 0xff;
        h2 ^= mixK2(k2);
        // fall through
      case 8: k1 ^= (long) (buf[tail + 7] & 0xff) << 56; // fall through
      case 7: k1 ^= (long) (buf[tail + 6] & 0xff) << 48; // fall through
      case 6: k1 ^= (long) (buf[tail + 5] & 0xff) << 40; // fall through
      case 5: k1 ^= (long) (buf[tail + 4] & 0xff) << 32; // fall through
      case 4: k1 ^= (long) (buf[tail + 3] & 0xff) << 24; // fall through
      case 3: k1 ^= (long) (buf[tail + 2] & 0xff) << 16; // fall through
      case 2: k1 ^= (long) (buf[tail + 1] & 0xff) << 8; // fall through
      case 1:
        k1 ^= buf[tail] & 0xff;
        h1 ^= mixK1(k1);
        break;
      default:
        break;
    }
    h1 ^= len;
    h2 ^= len;
    h1 += h2;
    h2 += h1;
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 += h2;
    h2 += h1;
    hi = h1;
    lo = h2;
  }

  private long littleLong(int at) {
    return (buf[at] & 0xffL) | (buf[at + 1] & 0xffL) << 8 | (buf[at + 2] & 0xffL) << 16
        | (buf[at + 3] & 0xffL) << 24 | (buf[at + 4] & 0xffL) << 32 | (buf[at + 5] & 0xffL) << 40
        | (buf[at + 6] & 0xffL) << 48 | (buf[at + 7] & 0xffL) << 56;
  }

  private static long mixK1(long k1) {
    k1 *= C1;
    k1 = Long.rotateLeft(k1, 31);
    return k1 * C2;
  }

  private static long mixK2(long k2) {
    k2 *= C2;
    k2 = Long.rotateLeft(k2, 33);
    return k2 * C1;
  }

  private static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
