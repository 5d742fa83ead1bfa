package io.github.deltaconnect.contract.decode;

import io.github.deltaconnect.contract.wire.WireFormat;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Hostile payloads for the decoder, each made from a seeded {@link Random} alone (so one seed
 * gives one sequence of inputs) and from valid records of the registered schemas.
 */
final class HostileInputs {

  /** The kind of an unchanged valid record, which must decode. */
  static final String VALID = "valid";

  /** One payload for {@code topic}; {@code kind} says how it was made. */
  record Input(String kind, String topic, byte[] bytes) {}

  /** The id of the recursive writer {@code Node{id, label, children: [Node], next: Node?}}. */
  record Recursive(String topic, int schemaId) {}

  /** Values that break a length, count or index: past every limit, negative, or just too long. */
  private static final long[] HOSTILE = {Integer.MAX_VALUE, Integer.MAX_VALUE - 8L, 1L << 31,
      1L << 32, 1L << 62, Long.MAX_VALUE, -1, -2, Integer.MIN_VALUE, Long.MIN_VALUE, 1 << 20,
      1 << 24, 0xffff_ffff_ffffL, 256, 64};

  private final List<TracedRecord> samples;
  private final List<String> topics;
  private final int[] unknownIds;
  private final Recursive recursive;

  HostileInputs(List<TracedRecord> samples, List<String> topics, int[] unknownIds,
      Recursive recursive) {
    this.samples = samples;
    this.topics = topics;
    this.unknownIds = unknownIds;
    this.recursive = recursive;
  }

  Input next(Random r) {
    TracedRecord sample = samples.get(r.nextInt(samples.size()));
    int pick = r.nextInt(100);
    if (pick < 4) {
      return new Input(VALID, sample.topic(), sample.bytes());
    } else if (pick < 14) {
      return randomBytes(r);
    } else if (pick < 26) {
      int cut = r.nextInt(sample.bytes().length);
      return new Input("truncated at " + cut, sample.topic(), Arrays.copyOf(sample.bytes(), cut));
    } else if (pick < 40) {
      return bitFlips(r, sample);
    } else if (pick < 52) {
      return byteReplacements(r, sample);
    } else if (pick < 70) {
      return hostileVarint(r, sample, r.nextBoolean() ? sample.lengths() : sample.counts(),
          "length or count");
    } else if (pick < 76) {
      return hostileVarint(r, sample, sample.others(), "index or number");
    } else if (pick < 81) {
      byte[] b = sample.bytes().clone();
      // Mostly a few unknown ids: each new one is a registry call and a warning in the log.
      int id = r.nextInt(8) > 0 ? unknownIds[r.nextInt(unknownIds.length)] : r.nextInt();
      WireFormat.writeHeader(id, b);
      return new Input("schema id " + id, sample.topic(), b);
    } else if (pick < 84) {
      byte[] b = sample.bytes().clone();
      b[0] = (byte) (1 + r.nextInt(255));
      return new Input("magic byte " + (b[0] & 0xff), sample.topic(), b);
    } else if (pick < 92) {
      return deepNesting(r);
    } else {
      return trailing(r, sample);
    }
  }

  private Input randomBytes(Random r) {
    byte[] b = new byte[r.nextInt(10) == 0 ? r.nextInt(1024) : r.nextInt(64)];
    r.nextBytes(b);
    String topic = topics.get(r.nextInt(topics.size()));
    if (b.length >= WireFormat.HEADER_BYTES && r.nextBoolean()) {
      // Past the header most of the time, so the Avro decoder sees the random bytes.
      TracedRecord known = samples.get(r.nextInt(samples.size()));
      System.arraycopy(known.bytes(), 0, b, 0, WireFormat.HEADER_BYTES);
      topic = known.topic();
    }
    return new Input("random bytes", topic, b);
  }

  private Input bitFlips(Random r, TracedRecord sample) {
    byte[] b = sample.bytes().clone();
    int n = 1 + r.nextInt(4);
    for (int i = 0; i < n; i++) {
      int at = bodyOffset(r, b.length);
      b[at] ^= (byte) (1 << r.nextInt(8));
    }
    return new Input(n + " bit flip(s)", sample.topic(), b);
  }

  private Input byteReplacements(Random r, TracedRecord sample) {
    byte[] interesting = {0, 1, 2, 0x7f, (byte) 0x80, (byte) 0xfe, (byte) 0xff};
    byte[] b = sample.bytes().clone();
    int n = 1 + r.nextInt(4);
    for (int i = 0; i < n; i++) {
      b[bodyOffset(r, b.length)] = r.nextBoolean() ? interesting[r.nextInt(interesting.length)]
          : (byte) r.nextInt(256);
    }
    return new Input(n + " byte replacement(s)", sample.topic(), b);
  }

  /** Mostly in the Avro body; now and then in the header too. */
  private static int bodyOffset(Random r, int length) {
    return r.nextInt(10) == 0 || length <= WireFormat.HEADER_BYTES ? r.nextInt(length)
        : WireFormat.HEADER_BYTES + r.nextInt(length - WireFormat.HEADER_BYTES);
  }

  /** Replaces the varint at one of {@code offsets} by a hostile one; sometimes cuts the rest. */
  private Input hostileVarint(Random r, TracedRecord sample, int[] offsets, String what) {
    if (offsets.length == 0) {
      return bitFlips(r, sample);
    }
    byte[] b = sample.bytes();
    int at = offsets[r.nextInt(offsets.length)];
    int end = at + varintLength(b, at);
    int rest = b.length - end;
    byte[] varint;
    String label;
    int choice = r.nextInt(10);
    if (choice < 6) {
      long v = HOSTILE[r.nextInt(HOSTILE.length)];
      varint = zigzag(v);
      label = Long.toString(v);
    } else if (choice < 9) {
      long v = rest + (r.nextInt(5) - 1); // just past what is left, or just within it
      varint = zigzag(v);
      label = v + " (bytes left " + rest + ")";
    } else {
      varint = overlong(r);
      label = "overlong varint";
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(b, 0, at);
    out.writeBytes(varint);
    int keep = r.nextInt(4) == 0 ? r.nextInt(rest + 1) : rest;
    out.write(b, end, keep);
    return new Input(what + " at " + at + " := " + label + (keep < rest ? ", cut" : ""),
        sample.topic(), out.toByteArray());
  }

  /** A record of the recursive writer nested {@code depth} levels, valid or cut short. */
  private Input deepNesting(Random r) {
    int depth = (int) Math.pow(10, r.nextDouble() * 5.3); // 1 .. 200,000, log-uniform
    boolean viaChildren = r.nextBoolean();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] header = new byte[WireFormat.HEADER_BYTES];
    WireFormat.writeHeader(recursive.schemaId(), header);
    out.writeBytes(header);
    // id 0, label "", then one child (count 1) or no children and next = branch 1 (a Node).
    byte[] level = viaChildren ? new byte[] {0, 0, 2} : new byte[] {0, 0, 0, 2};
    for (int i = 0; i < depth; i++) {
      out.writeBytes(level);
    }
    out.writeBytes(new byte[] {0, 0, 0, 0}); // the innermost node: no children, next null
    if (viaChildren) {
      for (int i = 0; i < depth; i++) {
        out.writeBytes(new byte[] {0, 0}); // end of the children, next null
      }
    }
    byte[] b = out.toByteArray();
    boolean cut = r.nextInt(4) == 0;
    if (cut) {
      b = Arrays.copyOf(b, WireFormat.HEADER_BYTES + r.nextInt(b.length - WireFormat.HEADER_BYTES));
    }
    return new Input("nested " + depth + " deep via " + (viaChildren ? "children" : "next")
        + (cut ? ", cut" : ""), recursive.topic(), b);
  }

  private Input trailing(Random r, TracedRecord sample) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(sample.bytes());
    if (r.nextBoolean()) {
      out.writeBytes(Arrays.copyOfRange(sample.bytes(), WireFormat.HEADER_BYTES,
          sample.bytes().length));
      return new Input("body twice", sample.topic(), out.toByteArray());
    }
    byte[] extra = new byte[1 + r.nextInt(8)];
    r.nextBytes(extra);
    out.writeBytes(extra);
    return new Input(extra.length + " trailing byte(s)", sample.topic(), out.toByteArray());
  }

  private static int varintLength(byte[] b, int at) {
    int i = at;
    while (i < b.length - 1 && (b[i] & 0x80) != 0) {
      i++;
    }
    return i - at + 1;
  }

  static byte[] zigzag(long v) {
    long n = (v << 1) ^ (v >> 63);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((n & ~0x7fL) != 0) {
      out.write((int) ((n & 0x7f) | 0x80));
      n >>>= 7;
    }
    out.write((int) n);
    return out.toByteArray();
  }

  /** Continuation bits past the ten bytes a long may take, or a zero padded out to ten. */
  private static byte[] overlong(Random r) {
    byte[] b = new byte[10 + r.nextInt(3)];
    Arrays.fill(b, (byte) (r.nextBoolean() ? 0xff : 0x80));
    b[b.length - 1] = (byte) r.nextInt(0x80);
    return b;
  }
}
