package io.github.deltaconnect.sink.cdc;

import org.apache.kafka.connect.sink.SinkRecord;

/**
 * One change read from a record: an upsert of a row, or a delete of a key. {@code image} is the
 * record with its value replaced by what the row converter reads: the new row (upserts), or the
 * old row or the record key (deletes: only its key fields matter). {@code order} is the configured
 * ordering value (an integer, timestamps as epoch millis), or null when none is configured.
 */
public record ChangeEvent(Op op, SinkRecord image, Long order) {

  /** What the change does to the key's row. */
  public enum Op {
    UPSERT,
    DELETE
  }
}
