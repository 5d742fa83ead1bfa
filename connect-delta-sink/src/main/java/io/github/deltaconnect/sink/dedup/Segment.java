package io.github.deltaconnect.sink.dedup;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * An immutable, sorted set of 128-bit key hashes with the event-time range of the records they
 * came from: the keys one batch committed, or several such sets merged; optionally with a long
 * value per key (the order of a key's delete, for upserts), the highest kept where keys meet.
 * Stored as one file ({@link #writeTo}): magic, version (2 with values), count, time range, the
 * sorted hashes (and values), and a CRC32 of it all, so a damaged file is refused rather than read
 * as "no keys".
 */
public final class Segment {
  private static final int MAGIC = 0x44534b31; // "DSK1"
  private static final int VERSION = 1;
  private static final int VERSION_WITH_VALUES = 2;
  /** What {@link #value} answers for a key the segment does not hold. */
  public static final long ABSENT = Long.MIN_VALUE;

  private final long[] hi;
  private final long[] lo;
  /** One value per key, or null for a segment of keys only. */
  private final long[] val;
  private final long minTs;
  private final long maxTs;

  private Segment(long[] hi, long[] lo, long[] val, long minTs, long maxTs) {
    this.hi = hi;
    this.lo = lo;
    this.val = val;
    this.minTs = minTs;
    this.maxTs = maxTs;
  }

  /** The distinct keys among {@code n} given ones (the arrays are not kept). */
  public static Segment of(long[] hi, long[] lo, int n, long minTs, long maxTs) {
    return of(hi, lo, null, n, minTs, maxTs);
  }

  /**
   * The distinct keys among {@code n} given ones with their values ({@code val} null: none); a
   * key given twice keeps its highest value.
   */
  public static Segment of(long[] hi, long[] lo, long[] val, int n, long minTs, long maxTs) {
    long[] h = Arrays.copyOf(hi, n);
    long[] l = Arrays.copyOf(lo, n);
    long[] v = val == null ? null : Arrays.copyOf(val, n);
    sort(h, l, v, 0, n - 1);
    int out = 0;
    for (int i = 0; i < n; i++) {
      if (out == 0 || h[out - 1] != h[i] || l[out - 1] != l[i]) {
        h[out] = h[i];
        l[out] = l[i];
        if (v != null) {
          v[out] = v[i];
        }
        out++;
      } else if (v != null) {
        v[out - 1] = Math.max(v[out - 1], v[i]);
      }
    }
    return new Segment(out == n ? h : Arrays.copyOf(h, out), out == n ? l : Arrays.copyOf(l, out),
        v == null || out == n ? v : Arrays.copyOf(v, out), minTs, maxTs);
  }

  /**
   * Sorts the pairs (h[i], l[i]) in [from, to] by unsigned value: a quicksort on both arrays at
   * once (no boxing; hashes are uniformly spread, so a middle pivot is as good as any).
   */
  private static void sort(long[] h, long[] l, long[] v, int from, int to) {
    while (to - from > 16) {
      int mid = (from + to) >>> 1;
      long ph = h[mid];
      long pl = l[mid];
      int i = from;
      int j = to;
      while (i <= j) {
        while (compare(h[i], l[i], ph, pl) < 0) {
          i++;
        }
        while (compare(h[j], l[j], ph, pl) > 0) {
          j--;
        }
        if (i <= j) {
          swap(h, l, v, i++, j--);
        }
      }
      // Recurse into the smaller side, loop on the larger: stack depth stays logarithmic.
      if (j - from < to - i) {
        sort(h, l, v, from, j);
        from = i;
      } else {
        sort(h, l, v, i, to);
        to = j;
      }
    }
    for (int i = from + 1; i <= to; i++) { // insertion sort for the short runs left
      for (int k = i; k > from && compare(h[k - 1], l[k - 1], h[k], l[k]) > 0; k--) {
        swap(h, l, v, k - 1, k);
      }
    }
  }

  private static void swap(long[] h, long[] l, long[] v, int a, int b) {
    long th = h[a];
    long tl = l[a];
    h[a] = h[b];
    l[a] = l[b];
    h[b] = th;
    l[b] = tl;
    if (v != null) {
      long tv = v[a];
      v[a] = v[b];
      v[b] = tv;
    }
  }

  /**
   * The keys of this segment that {@code other} holds too. Walks the smaller one in order and
   * gallops through the larger from where the last key was found, so probing a batch against a
   * segment of millions touches a few cache lines per key instead of a full binary search's.
   */
  public Segment intersect(Segment other) {
    Segment small = size() <= other.size() ? this : other;
    Segment large = small == this ? other : this;
    long[] h = new long[small.size()];
    long[] l = new long[small.size()];
    long[] v = val == null && other.val == null ? null : new long[small.size()];
    int out = 0;
    int pos = 0;
    for (int i = 0; i < small.size() && pos < large.size(); i++) {
      long kh = small.hi[i];
      long kl = small.lo[i];
      int step = 1;
      int bound = pos;
      while (bound < large.size() && compare(large.hi[bound], large.lo[bound], kh, kl) < 0) {
        pos = bound + 1;
        bound += step;
        step <<= 1;
      }
      int at = large.search(pos, Math.min(bound, large.size() - 1), kh, kl);
      if (at >= 0) {
        h[out] = kh;
        l[out] = kl;
        if (v != null) { // the values of either side, the higher where both have one
          v[out] = Math.max(small.val == null ? ABSENT : small.val[i],
              large.val == null ? ABSENT : large.val[at]);
        }
        out++;
        pos = at + 1;
      } else {
        pos = -at - 1;
      }
    }
    return new Segment(Arrays.copyOf(h, out), Arrays.copyOf(l, out),
        v == null ? null : Arrays.copyOf(v, out), minTs, maxTs);
  }

  /** The keys of this segment that {@code other} lacks, with the given time range. */
  public Segment minus(Segment other, long minTs, long maxTs) {
    long[] h = new long[size()];
    long[] l = new long[size()];
    long[] v = val == null ? null : new long[size()];
    int out = 0;
    int j = 0;
    for (int i = 0; i < size(); i++) {
      while (j < other.size() && compare(other.hi[j], other.lo[j], hi[i], lo[i]) < 0) {
        j++;
      }
      if (j < other.size() && other.hi[j] == hi[i] && other.lo[j] == lo[i]) {
        continue;
      }
      h[out] = hi[i];
      l[out] = lo[i];
      if (v != null) {
        v[out] = val[i];
      }
      out++;
    }
    return new Segment(Arrays.copyOf(h, out), Arrays.copyOf(l, out),
        v == null ? null : Arrays.copyOf(v, out), minTs, maxTs);
  }

  /** Index of the key in [from, to], or -(insertion point) - 1. */
  private int search(int from, int to, long keyHi, long keyLo) {
    int low = from;
    int high = to;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int c = compare(hi[mid], lo[mid], keyHi, keyLo);
      if (c < 0) {
        low = mid + 1;
      } else if (c > 0) {
        high = mid - 1;
      } else {
        return mid;
      }
    }
    return -low - 1;
  }

  /** The union of {@code parts}, spanning all their time ranges. */
  public static Segment merge(List<Segment> parts) {
    int total = parts.stream().mapToInt(Segment::size).sum();
    long[] h = new long[total];
    long[] l = new long[total];
    long[] v = parts.stream().anyMatch(p -> p.val != null) ? new long[total] : null;
    int[] at = new int[parts.size()];
    int out = 0;
    while (true) { // k-way merge; k is small (a handful of segments per merge)
      int best = -1;
      for (int p = 0; p < parts.size(); p++) {
        Segment s = parts.get(p);
        if (at[p] < s.size() && (best < 0 || compare(s.hi[at[p]], s.lo[at[p]],
            parts.get(best).hi[at[best]], parts.get(best).lo[at[best]]) < 0)) {
          best = p;
        }
      }
      if (best < 0) {
        break;
      }
      Segment s = parts.get(best);
      long kh = s.hi[at[best]];
      long kl = s.lo[at[best]];
      long kv = s.val == null ? ABSENT : s.val[at[best]];
      at[best]++;
      if (out == 0 || h[out - 1] != kh || l[out - 1] != kl) {
        h[out] = kh;
        l[out] = kl;
        if (v != null) {
          v[out] = kv;
        }
        out++;
      } else if (v != null) {
        v[out - 1] = Math.max(v[out - 1], kv);
      }
    }
    long min = parts.stream().mapToLong(Segment::minTs).min().orElse(0);
    long max = parts.stream().mapToLong(Segment::maxTs).max().orElse(0);
    return new Segment(Arrays.copyOf(h, out), Arrays.copyOf(l, out),
        v == null ? null : Arrays.copyOf(v, out), min, max);
  }

  public boolean contains(long keyHi, long keyLo) {
    return search(0, hi.length - 1, keyHi, keyLo) >= 0;
  }

  /** The key's value, or {@link #ABSENT} when the segment does not hold it or has no values. */
  public long value(long keyHi, long keyLo) {
    int at = val == null ? -1 : search(0, hi.length - 1, keyHi, keyLo);
    return at < 0 ? ABSENT : val[at];
  }

  public int size() {
    return hi.length;
  }

  /** Heap the segment holds. */
  public long bytes() {
    return (val == null ? 16L : 24L) * hi.length + 64;
  }

  public long minTs() {
    return minTs;
  }

  public long maxTs() {
    return maxTs;
  }

  private static int compare(long h1, long l1, long h2, long l2) {
    int c = Long.compareUnsigned(h1, h2);
    return c != 0 ? c : Long.compareUnsigned(l1, l2);
  }

  public void writeTo(OutputStream stream) throws IOException {
    CheckedOutputStream checked = new CheckedOutputStream(stream, new CRC32());
    DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(checked, 1 << 16));
    out.writeInt(MAGIC);
    out.writeInt(val == null ? VERSION : VERSION_WITH_VALUES);
    out.writeInt(hi.length);
    out.writeLong(minTs);
    out.writeLong(maxTs);
    for (int i = 0; i < hi.length; i++) {
      out.writeLong(hi[i]);
      out.writeLong(lo[i]);
      if (val != null) {
        out.writeLong(val[i]);
      }
    }
    out.flush();
    out.writeInt((int) checked.getChecksum().getValue());
    out.flush();
  }

  /** Reads a segment written by {@link #writeTo}; {@code source} names it in errors. */
  public static Segment readFrom(InputStream stream, String source) throws IOException {
    DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(stream, 1 << 16));
    try {
      if (in.readInt() != MAGIC) {
        throw new IOException("not an idempotency key segment: " + source);
      }
      int version = in.readInt();
      if (version != VERSION && version != VERSION_WITH_VALUES) {
        throw new IOException("idempotency key segment " + source + " has format version "
            + version + "; this sink reads versions " + VERSION + " and " + VERSION_WITH_VALUES
            + " (written by a newer sink?)");
      }
      int n = in.readInt();
      if (n < 0) {
        throw new IOException("idempotency key segment " + source + " is damaged (count " + n + ")");
      }
      long min = in.readLong();
      long max = in.readLong();
      long[] h = new long[n];
      long[] l = new long[n];
      long[] v = version == VERSION_WITH_VALUES ? new long[n] : null;
      for (int i = 0; i < n; i++) {
        h[i] = in.readLong();
        l[i] = in.readLong();
        if (v != null) {
          v[i] = in.readLong();
        }
      }
      return verify(in, h, l, v, min, max, source, n);
    } catch (EOFException e) {
      throw new IOException("idempotency key segment " + source + " is truncated", e);
    }
  }

  /** Checks the stored CRC32 against the bytes just read (recomputed from their values). */
  private static Segment verify(DataInputStream in, long[] h, long[] l, long[] v, long min,
      long max, String source, int n) throws IOException {
    CRC32 crc = new CRC32();
    java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(28);
    head.putInt(MAGIC).putInt(v == null ? VERSION : VERSION_WITH_VALUES).putInt(n).putLong(min)
        .putLong(max);
    crc.update(head.array());
    java.nio.ByteBuffer body = java.nio.ByteBuffer.allocate(24 * 4096);
    for (int i = 0; i < n; i++) {
      if (body.remaining() < 24) {
        crc.update(body.array(), 0, body.position());
        body.clear();
      }
      body.putLong(h[i]).putLong(l[i]);
      if (v != null) {
        body.putLong(v[i]);
      }
    }
    crc.update(body.array(), 0, body.position());
    int stored = in.readInt();
    if (stored != (int) crc.getValue()) {
      throw new IOException("idempotency key segment " + source + " is damaged (checksum)");
    }
    if (in.read() != -1) {
      throw new IOException("idempotency key segment " + source + " has trailing bytes");
    }
    for (int i = 1; i < n; i++) {
      if (compare(h[i - 1], l[i - 1], h[i], l[i]) >= 0) {
        throw new IOException("idempotency key segment " + source + " is not sorted");
      }
    }
    return new Segment(h, l, v, min, max);
  }
}
