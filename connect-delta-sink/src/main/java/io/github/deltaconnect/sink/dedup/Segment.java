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
 * came from: the keys one batch committed, or several such sets merged. Stored as one file
 * ({@link #writeTo}): magic, version, count, time range, the sorted hashes, and a CRC32 of it all,
 * so a damaged file is refused rather than read as "no keys".
 */
public final class Segment {
  private static final int MAGIC = 0x44534b31; // "DSK1"
  private static final int VERSION = 1;

  private final long[] hi;
  private final long[] lo;
  private final long minTs;
  private final long maxTs;

  private Segment(long[] hi, long[] lo, long minTs, long maxTs) {
    this.hi = hi;
    this.lo = lo;
    this.minTs = minTs;
    this.maxTs = maxTs;
  }

  /** The distinct keys among {@code n} given ones (the arrays are not kept). */
  public static Segment of(long[] hi, long[] lo, int n, long minTs, long maxTs) {
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> compare(hi[a], lo[a], hi[b], lo[b]));
    long[] h = new long[n];
    long[] l = new long[n];
    int out = 0;
    for (int i = 0; i < n; i++) {
      int k = order[i];
      if (out == 0 || h[out - 1] != hi[k] || l[out - 1] != lo[k]) {
        h[out] = hi[k];
        l[out] = lo[k];
        out++;
      }
    }
    return new Segment(Arrays.copyOf(h, out), Arrays.copyOf(l, out), minTs, maxTs);
  }

  /** The union of {@code parts}, spanning all their time ranges. */
  public static Segment merge(List<Segment> parts) {
    int total = parts.stream().mapToInt(Segment::size).sum();
    long[] h = new long[total];
    long[] l = new long[total];
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
      at[best]++;
      if (out == 0 || h[out - 1] != kh || l[out - 1] != kl) {
        h[out] = kh;
        l[out] = kl;
        out++;
      }
    }
    long min = parts.stream().mapToLong(Segment::minTs).min().orElse(0);
    long max = parts.stream().mapToLong(Segment::maxTs).max().orElse(0);
    return new Segment(Arrays.copyOf(h, out), Arrays.copyOf(l, out), min, max);
  }

  public boolean contains(long keyHi, long keyLo) {
    int low = 0;
    int high = hi.length - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int c = compare(hi[mid], lo[mid], keyHi, keyLo);
      if (c < 0) {
        low = mid + 1;
      } else if (c > 0) {
        high = mid - 1;
      } else {
        return true;
      }
    }
    return false;
  }

  public int size() {
    return hi.length;
  }

  /** Heap the segment holds. */
  public long bytes() {
    return 16L * hi.length + 64;
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
    out.writeInt(VERSION);
    out.writeInt(hi.length);
    out.writeLong(minTs);
    out.writeLong(maxTs);
    for (int i = 0; i < hi.length; i++) {
      out.writeLong(hi[i]);
      out.writeLong(lo[i]);
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
      if (version != VERSION) {
        throw new IOException("idempotency key segment " + source + " has format version "
            + version + "; this sink reads version " + VERSION + " (written by a newer sink?)");
      }
      int n = in.readInt();
      if (n < 0) {
        throw new IOException("idempotency key segment " + source + " is damaged (count " + n + ")");
      }
      long min = in.readLong();
      long max = in.readLong();
      long[] h = new long[n];
      long[] l = new long[n];
      for (int i = 0; i < n; i++) {
        h[i] = in.readLong();
        l[i] = in.readLong();
      }
      return verify(in, h, l, min, max, source, n);
    } catch (EOFException e) {
      throw new IOException("idempotency key segment " + source + " is truncated", e);
    }
  }

  /** Checks the stored CRC32 against the bytes just read (recomputed from their values). */
  private static Segment verify(DataInputStream in, long[] h, long[] l, long min,
      long max, String source, int n) throws IOException {
    CRC32 crc = new CRC32();
    java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(28);
    head.putInt(MAGIC).putInt(VERSION).putInt(n).putLong(min).putLong(max);
    crc.update(head.array());
    java.nio.ByteBuffer body = java.nio.ByteBuffer.allocate(16 * 4096);
    for (int i = 0; i < n; i++) {
      if (!body.hasRemaining()) {
        crc.update(body.array(), 0, body.position());
        body.clear();
      }
      body.putLong(h[i]).putLong(l[i]);
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
    return new Segment(h, l, min, max);
  }
}
