package io.github.deltaconnect.sink.replay;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.expressions.And;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.expressions.Predicate;
import io.delta.kernel.types.StructType;
import io.github.deltaconnect.sink.convert.SchemaMapping;
import io.github.deltaconnect.sink.write.DataFiles;
import io.github.deltaconnect.sink.write.KeptRows;
import io.github.deltaconnect.sink.write.ParquetFiles;
import io.github.deltaconnect.sink.write.TableFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The rows a replace-mode replay commit takes out: those an earlier run wrote from the Kafka
 * offsets the commit covers, found by their {@code _kafka_topic/_partition/_offset} columns.
 * Files whose statistics may hold such rows are read; each that does is removed and its other
 * rows written anew (copy-on-write, as upserts do), in the commit that adds the replayed rows.
 */
public record Replacement(List<Row> removes, DataFiles files, long replaced, long copied) {

  /** Offsets {@code first..last} (inclusive) of one topic-partition whose old rows go. */
  public record Range(long first, long last) {}

  /**
   * Plans the removal of the rows of {@code ranges} from {@code snapshot}, writing the kept rows
   * of touched files through {@code writer} in the transaction whose state is given.
   */
  public static Replacement plan(Engine engine, Snapshot snapshot, Row txnState,
      StructType txnSchema, ParquetFiles writer, List<String> partitionColumns,
      Map<TopicPartition, Range> ranges) {
    Scan scan = snapshot.getScanBuilder().withFilter(filter(ranges)).build();
    List<Row> candidates = TableFiles.list(engine, scan);
    StructType schema = snapshot.getSchema();
    int topicCol = schema.indexOf(SchemaMapping.KAFKA_TOPIC);
    int partitionCol = schema.indexOf(SchemaMapping.KAFKA_PARTITION);
    int offsetCol = schema.indexOf(SchemaMapping.KAFKA_OFFSET);
    if (topicCol < 0 || partitionCol < 0 || offsetCol < 0) {
      throw new IllegalStateException("table " + snapshot.getPath() + " has no _kafka_* columns:"
          + " a replace-mode replay cannot tell which rows came from which offsets");
    }
    Row scanState = scan.getScanState(engine);
    List<Row> removes = new ArrayList<>();
    List<DataFiles> written = new ArrayList<>();
    long replaced = 0;
    long copied = 0;
    try {
      for (Row scanFile : candidates) {
        KeptRows kept = new KeptRows();
        int gone = kept.add(engine, scanState, scanFile, (data, r) -> {
          ColumnVector topics = data.getColumnVector(topicCol);
          ColumnVector partitions = data.getColumnVector(partitionCol);
          ColumnVector offsets = data.getColumnVector(offsetCol);
          if (topics.isNullAt(r) || partitions.isNullAt(r) || offsets.isNullAt(r)) {
            return true; // a row no Kafka record wrote: not the replay's
          }
          Range range = ranges.get(new TopicPartition(topics.getString(r), partitions.getInt(r)));
          long offset = offsets.getLong(r);
          return range == null || offset < range.first() || offset > range.last();
        });
        if (gone == 0) {
          continue; // the statistics matched, no row did: the file stays
        }
        replaced += gone;
        copied += kept.count();
        removes.add(TableFiles.remove(scanFile, true));
        written.add(kept.write(engine, txnState, txnSchema, writer, schema, partitionColumns));
      }
    } catch (RuntimeException e) {
      written.forEach(f -> f.delete(engine));
      throw e;
    }
    return new Replacement(removes, DataFiles.concat(written), replaced, copied);
  }

  /** Files whose statistics may hold a row of one of the ranges (one term per partition). */
  static Predicate filter(Map<TopicPartition, Range> ranges) {
    List<Predicate> terms = new ArrayList<>();
    Column topic = new Column(SchemaMapping.KAFKA_TOPIC);
    Column partition = new Column(SchemaMapping.KAFKA_PARTITION);
    Column offset = new Column(SchemaMapping.KAFKA_OFFSET);
    ranges.forEach((tp, r) -> terms.add(new And(
        new And(new Predicate("=", topic, Literal.ofString(tp.topic())),
            new Predicate("=", partition, Literal.ofInt(tp.partition()))),
        new And(new Predicate(">=", offset, Literal.ofLong(r.first())),
            new Predicate("<=", offset, Literal.ofLong(r.last()))))));
    return TableFiles.anyOf(terms);
  }
}
