package io.github.deltaconnect.sink.cdc;

import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Reads change events from records without a transform: Debezium envelopes ({@code op},
 * {@code before}, {@code after}, {@code source}; as Connect structs from the JSON or Avro converter,
 * or as schemaless maps), and plain key/value records where a null value (tombstone) deletes the
 * record key's row. Snapshot reads ({@code r}), creates and updates upsert the after image; deletes
 * delete the before image's key (the record key when the before image is absent).
 */
public final class ChangeReader {
  private final String[] orderPath;
  private final String orderProperty;

  /**
   * {@code orderField}: dotted path of the ordering value in the record value (the envelope for
   * Debezium, e.g. {@code source.lsn}); empty for delivery order. {@code property} names it in
   * errors.
   */
  public ChangeReader(String orderField, String property) {
    this.orderPath = orderField.isEmpty() ? null : orderField.split("\\.");
    this.orderProperty = property;
  }

  public ChangeEvent read(SinkRecord record) {
    Object value = record.value();
    if (value == null) {
      if (record.key() == null) {
        throw new InvalidChange("tombstone without a key: nothing to delete");
      }
      // A tombstone has no ordering value: it deletes whatever the key holds when it is applied.
      return new ChangeEvent(ChangeEvent.Op.DELETE, image(record, record.keySchema(),
          record.key()), null);
    }
    String op = envelopeOp(value);
    if (op == null) {
      return new ChangeEvent(ChangeEvent.Op.UPSERT, record, order(value));
    }
    Long order = order(value);
    switch (op) {
      case "c", "r", "u" -> {
        Object after = field(value, "after");
        if (after == null) {
          throw new InvalidChange("change event op '" + op + "' without an 'after' image");
        }
        return new ChangeEvent(ChangeEvent.Op.UPSERT, image(record, schemaOf(value, "after"),
            after), order);
      }
      case "d" -> {
        Object before = field(value, "before");
        if (before != null) {
          return new ChangeEvent(ChangeEvent.Op.DELETE, image(record, schemaOf(value, "before"),
              before), order);
        }
        if (record.key() == null) {
          throw new InvalidChange("delete event without a 'before' image or a record key");
        }
        return new ChangeEvent(ChangeEvent.Op.DELETE, image(record, record.keySchema(),
            record.key()), order);
      }
      default -> throw new InvalidChange("change event op '" + op + "' is not applied (only c, r,"
          + " u and d are; truncate and message events are not row changes)");
    }
  }

  /** The envelope's op when {@code value} is a Debezium envelope, else null. */
  private static String envelopeOp(Object value) {
    if (value instanceof Struct s) {
      Schema schema = s.schema();
      Field op = schema.field("op");
      if (op != null && op.schema().type() == Schema.Type.STRING
          && (schema.field("after") != null || schema.field("before") != null)) {
        return s.getString("op");
      }
      return null;
    }
    if (value instanceof Map<?, ?> m && m.get("op") instanceof String op
        && (m.containsKey("after") || m.containsKey("before"))) {
      return op;
    }
    return null;
  }

  private static Object field(Object value, String name) {
    if (value instanceof Struct s) {
      return s.schema().field(name) == null ? null : s.get(name);
    }
    return ((Map<?, ?>) value).get(name);
  }

  private static Schema schemaOf(Object value, String name) {
    return value instanceof Struct s ? s.schema().field(name).schema() : null;
  }

  private static SinkRecord image(SinkRecord record, Schema schema, Object value) {
    return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(),
        record.key(), schema, value, record.timestamp(), record.headers());
  }

  private Long order(Object value) {
    if (orderPath == null) {
      return null;
    }
    Object v = value;
    for (int i = 0; i < orderPath.length && v != null; i++) {
      boolean container = v instanceof Struct || v instanceof Map;
      v = container ? field(v, orderPath[i]) : null; // a scalar has no fields to descend into
    }
    if (v == null) {
      throw new InvalidChange("ordering field " + String.join(".", orderPath) + " ("
          + orderProperty + ") is missing or null");
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof java.util.Date d) {
      return d.getTime();
    }
    // Text orders (MySQL binlog file names and positions) would need a comparator of their own.
    throw new InvalidChange("ordering field " + String.join(".", orderPath) + " ("
        + orderProperty + ") is a " + v.getClass().getSimpleName()
        + "; it must be an integer or a timestamp");
  }
}
