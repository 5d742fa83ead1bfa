package io.github.deltaconnect.sink.buffer;

/** The first and last Kafka offset of one topic-partition in a batch. */
public record OffsetRange(long first, long last) {
  public OffsetRange {
    if (last < first) {
      throw new IllegalArgumentException("last offset " + last + " < first " + first);
    }
  }
}
