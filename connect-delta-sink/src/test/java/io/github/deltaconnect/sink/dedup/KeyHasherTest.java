package io.github.deltaconnect.sink.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyHasherTest {

  private static long[] raw(String s) {
    KeyHasher h = new KeyHasher();
    h.hashBytes(s.getBytes(StandardCharsets.UTF_8));
    return new long[] {h.hi(), h.lo()};
  }

  private static long[] key(Object... values) {
    KeyHasher h = new KeyHasher();
    h.hash(values);
    return new long[] {h.hi(), h.lo()};
  }

  @Test
  void matchesTheMurmurHash3X64ReferenceVectors() {
    assertEquals(0L, raw("")[0]);
    assertEquals(0L, raw("")[1]);
    assertEquals(0xcbd8a7b341bd9b02L, raw("hello")[0]);
    assertEquals(0x5b1e906a48ae1d19L, raw("hello")[1]);
    long[] fox = raw("The quick brown fox jumps over the lazy dog");
    assertEquals(0xe34bbc7bbc071b6cL, fox[0]);
    assertEquals(0x7a433ca9c49a9347L, fox[1]);
  }

  @Test
  void equalValuesOfDifferentJavaTypesHashAlike() {
    assertArrayEqualsHash(key(42), key(42L));
    assertArrayEqualsHash(key((short) 7), key(7L));
    assertArrayEqualsHash(key(-0.0), key(0.0));
    assertArrayEqualsHash(key(1.5f), key(1.5d));
    assertArrayEqualsHash(key(new BigDecimal("1.50")), key(new BigDecimal("1.5")));
    assertArrayEqualsHash(key(new BigDecimal("0.000")), key(BigDecimal.ZERO));
  }

  @Test
  void fieldBoundariesAndTypesKeepKeysApart() {
    // Without length prefixes and type tags these would collide.
    assertNotEqualsHash(key("ab", "c"), key("a", "bc"));
    assertNotEqualsHash(key("1"), key(1L));
    assertNotEqualsHash(key((Object) null, "a"), key("a", null));
    assertNotEqualsHash(key(true), key(1L));
    assertNotEqualsHash(key(new byte[] {1, 2}), key("\u0001\u0002"));
  }

  @Test
  void nonAsciiStringsHashTheirUtf8Bytes() {
    // The hasher encodes UTF-8 itself: it must agree with the JDK's encoder, surrogates included.
    String s = "käse-€-\uD83D\uDE00";
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    byte[] framed = new byte[1 + 4 + utf8.length];
    framed[0] = 1;
    java.nio.ByteBuffer.wrap(framed, 1, 4).putInt(utf8.length);
    System.arraycopy(utf8, 0, framed, 5, utf8.length);
    KeyHasher bytes = new KeyHasher();
    bytes.hashBytes(framed);
    long[] viaString = key(s);
    assertEquals(bytes.hi(), viaString[0]);
    assertEquals(bytes.lo(), viaString[1]);
  }

  @Test
  void aMillionDistinctKeysGiveAMillionDistinctHashes() {
    Set<String> seen = new HashSet<>();
    KeyHasher h = new KeyHasher();
    for (int i = 0; i < 1_000_000; i++) {
      h.hash(new Object[] {"evt-" + i, "src-" + (i % 7)});
      seen.add(h.hi() + ":" + h.lo());
    }
    assertEquals(1_000_000, seen.size());
  }

  @Test
  void rejectsValuesThatAreNotKeyScalars() {
    assertThrows(IllegalArgumentException.class, () -> key(new Object[] {new Object[] {1}}));
  }

  private static void assertArrayEqualsHash(long[] a, long[] b) {
    assertEquals(a[0], b[0]);
    assertEquals(a[1], b[1]);
  }

  private static void assertNotEqualsHash(long[] a, long[] b) {
    assertNotEquals(a[0] + ":" + a[1], b[0] + ":" + b[1]);
  }
}
