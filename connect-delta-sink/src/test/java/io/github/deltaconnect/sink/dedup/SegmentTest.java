package io.github.deltaconnect.sink.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SegmentTest {

  static Segment random(Random r, int n, long minTs, long maxTs) {
    long[] hi = new long[n];
    long[] lo = new long[n];
    for (int i = 0; i < n; i++) {
      hi[i] = r.nextLong();
      lo[i] = r.nextLong();
    }
    return Segment.of(hi, lo, n, minTs, maxTs);
  }

  @Test
  void holdsEachGivenKeyOnceAndNoOther() {
    // Keys that differ only in sign bits: the order must be unsigned and consistent.
    long[] hi = {-1L, 0L, Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L};
    long[] lo = {5L, -1L, 0L, 1L, -1L, 5L};
    Segment s = Segment.of(hi, lo, hi.length, 10, 20);
    assertEquals(4, s.size(), "two of the six are repeats");
    for (int i = 0; i < hi.length; i++) {
      assertTrue(s.contains(hi[i], lo[i]));
    }
    assertFalse(s.contains(-1L, 4L));
    assertFalse(s.contains(0L, 0L));
    assertFalse(s.contains(Long.MAX_VALUE, 0L));
    assertEquals(4 * 16 + 64, s.bytes(), "16 bytes a key, plus the arrays' headers");
  }

  @Test
  void aMergeHoldsEveryKeyOfItsPartsAndSpansTheirTimes() {
    Random r = new Random(7);
    Segment a = random(r, 1000, 100, 200);
    Segment b = random(new Random(7), 500, 150, 400); // the first 500 keys of a again
    Segment c = random(r, 300, 50, 60);
    Segment m = Segment.merge(List.of(a, b, c));
    assertEquals(1300, m.size());
    assertEquals(50, m.minTs());
    assertEquals(400, m.maxTs());
    Random again = new Random(7);
    for (int i = 0; i < 1300; i++) {
      assertTrue(m.contains(again.nextLong(), again.nextLong()), "key " + i);
    }
  }

  @Test
  void sortsAnyInputLikeTheNaiveOrder() {
    Random r = new Random(11);
    for (int n : new int[] {0, 1, 2, 17, 1000, 50_000}) {
      long[] hi = new long[n];
      long[] lo = new long[n];
      for (int i = 0; i < n; i++) {
        hi[i] = r.nextInt(4) == 0 ? r.nextInt(3) - 1 : r.nextLong(); // many equal hi values too
        lo[i] = i % 5 == 0 && i > 0 ? lo[i - 1] : r.nextLong();
        if (i % 7 == 0 && i > 0) { // and repeats
          hi[i] = hi[i - 1];
          lo[i] = lo[i - 1];
        }
      }
      java.util.TreeSet<String> naive = new java.util.TreeSet<>();
      for (int i = 0; i < n; i++) {
        naive.add(String.format("%016x%016x", hi[i], lo[i])); // hex sorts as unsigned
      }
      Segment s = Segment.of(hi, lo, n, 0, 0);
      assertEquals(naive.size(), s.size(), "n=" + n);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        s.writeTo(out);
        // readFrom refuses anything unsorted or repeated: the order is checked there.
        Segment.readFrom(new ByteArrayInputStream(out.toByteArray()), "n=" + n);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void intersectAndMinusAgreeWithContains() {
    Random r = new Random(5);
    Segment large = random(r, 200_000, 0, 0);
    long[] hi = new long[3000];
    long[] lo = new long[3000];
    Random replay = new Random(5);
    for (int i = 0; i < 3000; i++) {
      if (i % 3 == 0) { // a key the large segment holds (its i-th generated key)
        hi[i] = replay.nextLong();
        lo[i] = replay.nextLong();
      } else {
        hi[i] = r.nextLong();
        lo[i] = r.nextLong();
      }
    }
    Segment batch = Segment.of(hi, lo, 3000, 0, 0);
    Segment both = batch.intersect(large);
    assertEquals(both.size(), large.intersect(batch).size(), "symmetric");
    assertEquals(1000, both.size());
    Segment rest = batch.minus(both, 3, 4);
    assertEquals(2000, rest.size());
    assertEquals(3, rest.minTs());
    for (int i = 0; i < 3000; i++) {
      boolean inLarge = large.contains(hi[i], lo[i]);
      assertEquals(inLarge, both.contains(hi[i], lo[i]), "key " + i);
      assertEquals(!inLarge, rest.contains(hi[i], lo[i]), "key " + i);
    }
  }

  @Test
  void roundTripsThroughItsFileFormat() throws IOException {
    Segment s = random(new Random(3), 10_000, -5, 99);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.writeTo(out);
    assertEquals(28 + 16 * 10_000 + 4, out.size());
    Segment back = Segment.readFrom(new ByteArrayInputStream(out.toByteArray()), "mem");
    assertEquals(s.size(), back.size());
    assertEquals(-5, back.minTs());
    assertEquals(99, back.maxTs());
    Random r = new Random(3);
    for (int i = 0; i < 10_000; i++) {
      assertTrue(back.contains(r.nextLong(), r.nextLong()));
    }
  }

  @Test
  void aDamagedTruncatedOrForeignFileIsRefused() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    random(new Random(1), 100, 0, 1).writeTo(out);
    byte[] good = out.toByteArray();

    byte[] flipped = good.clone();
    flipped[40] ^= 0x10;
    IOException damaged = assertThrows(IOException.class,
        () -> Segment.readFrom(new ByteArrayInputStream(flipped), "f1"));
    assertTrue(damaged.getMessage().contains("f1 is damaged"), damaged.getMessage());

    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 9);
    IOException cut = assertThrows(IOException.class,
        () -> Segment.readFrom(new ByteArrayInputStream(truncated), "f2"));
    assertTrue(cut.getMessage().contains("truncated"), cut.getMessage());

    byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
    IOException trailing = assertThrows(IOException.class,
        () -> Segment.readFrom(new ByteArrayInputStream(longer), "f3"));
    assertTrue(trailing.getMessage().contains("trailing"), trailing.getMessage());

    IOException foreign = assertThrows(IOException.class,
        () -> Segment.readFrom(new ByteArrayInputStream("PAR1xxxxxxxxxxxx".getBytes()), "f4"));
    assertTrue(foreign.getMessage().contains("not an idempotency key segment"));
  }

  @Test
  void valuesFollowTheirKeysThroughSortMergeIntersectMinusAndTheFile() throws IOException {
    Random r = new Random(9);
    int n = 20_000;
    long[] hi = new long[n];
    long[] lo = new long[n];
    long[] val = new long[n];
    java.util.Map<String, Long> highest = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      hi[i] = r.nextInt(5000); // many repeats: the highest value of a key must win
      lo[i] = r.nextLong() & 3;
      val[i] = r.nextLong();
      highest.merge(hi[i] + "/" + lo[i], val[i], Math::max);
    }
    Segment s = Segment.of(hi, lo, val, n, 0, 0);
    assertEquals(highest.size(), s.size());
    for (int i = 0; i < n; i++) {
      assertEquals(highest.get(hi[i] + "/" + lo[i]), s.value(hi[i], lo[i]));
    }
    assertEquals(Segment.ABSENT, s.value(99_999, 0));
    assertEquals(Segment.ABSENT, random(r, 10, 0, 0).value(hi[0], lo[0]), "keys only: no values");

    // A batch of keys probed against it gets the index's values; merges keep the highest.
    Segment probe = Segment.of(hi, lo, 500, 0, 0);
    Segment held = probe.intersect(s);
    assertEquals(probe.size(), held.size());
    for (int i = 0; i < 500; i++) {
      assertEquals(s.value(hi[i], lo[i]), held.value(hi[i], lo[i]));
    }
    long[] bigger = new long[n];
    for (int i = 0; i < n; i++) {
      bigger[i] = val[i] == Long.MAX_VALUE ? val[i] : val[i] + 1;
    }
    Segment newer = Segment.of(hi, lo, bigger, 100, 0, 0);
    Segment merged = Segment.merge(List.of(s, newer));
    assertEquals(s.size(), merged.size());
    assertEquals(Math.max(s.value(hi[0], lo[0]), newer.value(hi[0], lo[0])),
        merged.value(hi[0], lo[0]));
    Segment rest = s.minus(probe, 0, 0);
    assertEquals(s.size() - held.size(), rest.size());
    for (int i = 500; i < n; i++) {
      if (!probe.contains(hi[i], lo[i])) {
        assertEquals(s.value(hi[i], lo[i]), rest.value(hi[i], lo[i]));
      }
    }

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.writeTo(out);
    Segment back = Segment.readFrom(new ByteArrayInputStream(out.toByteArray()), "t");
    for (int i = 0; i < n; i += 7) {
      assertEquals(s.value(hi[i], lo[i]), back.value(hi[i], lo[i]));
    }
    byte[] damaged = out.toByteArray();
    damaged[40 + 16] ^= 1; // a value's byte
    IOException e = assertThrows(IOException.class,
        () -> Segment.readFrom(new ByteArrayInputStream(damaged), "t"));
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
  }
}
