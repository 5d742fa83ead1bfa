package io.github.deltaconnect.sink.cdc;

import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Upsert mode's settings, shared by a task's record path and its committer: the key (configured,
 * or taken once from the first record key) and the column keeping each row's ordering value.
 */
public final class Upserts {
  /**
   * The domain every upsert commit rewrites. Kernel 4.4 does not check a winner's added files
   * against a loser's rewrite (an insert of key k racing the rewrite of k's file would leave two
   * rows): a same-domain conflict makes the later of two upsert commits re-read and redo its work.
   */
  public static final String DOMAIN = "kafka.upsert";

  /** The domain listing the deleted keys' orders (see {@link #deletes}). */
  public static final String DELETES_DOMAIN = "kafka.upsert.deletes";

  private final List<String> configured;
  private final String orderColumn;
  private final io.github.deltaconnect.sink.dedup.KeyIndex deletes;
  private volatile List<String> key;

  public Upserts(List<String> configuredKey, String orderColumn) {
    this(configuredKey, orderColumn, null);
  }

  /**
   * {@code deletes}: where the table remembers the orders of deleted keys (with an ordering
   * field), so a change older than a key's delete cannot bring its row back; null: not kept.
   */
  public Upserts(List<String> configuredKey, String orderColumn,
      io.github.deltaconnect.sink.dedup.KeyIndex deletes) {
    this.configured = List.copyOf(configuredKey);
    this.orderColumn = orderColumn;
    this.deletes = deletes;
    this.key = configured.isEmpty() ? null : configured;
  }

  /** The deleted keys' orders, or null when none are kept. */
  public io.github.deltaconnect.sink.dedup.KeyIndex deletes() {
    return deletes;
  }

  /** The key, fixed by the first record when none is configured. */
  public List<String> key(SinkRecord record) {
    List<String> k = key;
    if (k == null) {
      k = fieldsOf(record);
      key = k;
    }
    return k;
  }

  /** The key fixed so far, or null before the first record (with no key configured). */
  public List<String> key() {
    return key;
  }

  /** The column of the ordering value, or null without one. */
  public String orderColumn() {
    return orderColumn;
  }

  private static List<String> fieldsOf(SinkRecord record) {
    Object k = record.key();
    if (k instanceof Struct s && !s.schema().fields().isEmpty()) {
      return s.schema().fields().stream().map(Field::name).toList();
    }
    if (k instanceof Map<?, ?> m && !m.isEmpty()) {
      TreeSet<String> names = new TreeSet<>();
      m.keySet().forEach(n -> names.add(String.valueOf(n)));
      return List.copyOf(names);
    }
    Schema schema = record.keySchema();
    throw new InvalidChange(DeltaSinkConfig.UPSERT_KEY + " is not set and the record key is "
        + (k == null ? "null" : "a " + (schema == null ? k.getClass().getSimpleName()
        : schema.type().toString())) + ", not a struct or map whose fields name the key columns");
  }
}
