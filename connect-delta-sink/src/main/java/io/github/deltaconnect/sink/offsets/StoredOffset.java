package io.github.deltaconnect.sink.offsets;

/**
 * What one offset domain holds: the last Kafka offset committed for a topic-partition, and which
 * connector, task and batch committed it. The batch id lets a task recognise its own commit when
 * the answer to that commit was lost ({@code batch} is empty for domains written before it existed).
 * {@code replaceUntil}: during a replace-mode replay, the last offset of rows an earlier run wrote
 * that the replay still has to replace (those in {@code (offset, replaceUntil]}); -1 otherwise.
 */
public record StoredOffset(long offset, String connector, int task, String batch,
    long replaceUntil) {
  public static final long NO_REPLAY = -1;

  public StoredOffset(long offset, String connector, int task, String batch) {
    this(offset, connector, task, batch, NO_REPLAY);
  }

  /** True while rows past {@link #offset} up to {@link #replaceUntil} are from an earlier run. */
  public boolean replaying() {
    return replaceUntil > offset;
  }
}
