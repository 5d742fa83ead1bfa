package io.github.deltaconnect.bench.sink;

import io.delta.kernel.types.StructType;
import io.github.deltaconnect.bench.BenchEvents;
import io.github.deltaconnect.sink.buffer.RecordBuffer;
import io.github.deltaconnect.sink.buffer.SizeEstimator;
import io.github.deltaconnect.sink.commit.BatchCommitter;
import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.commit.FaultPoint;
import io.github.deltaconnect.sink.config.PartitionSpec;
import io.github.deltaconnect.sink.convert.RowConverter;
import io.github.deltaconnect.sink.convert.SchemaMapping;
import io.github.deltaconnect.sink.offsets.OffsetDomain;
import io.github.deltaconnect.sink.storage.LocalFileSystem;
import io.github.deltaconnect.sink.write.PartitionValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The sink's own work per record, one thread, on the end-to-end benchmark's events already decoded
 * to Connect structs (what a converter hands the task): converting a record and appending it to
 * the column buffer, and writing a buffered batch as Parquet files plus its Delta commit. Each
 * benchmark reports records/s; the difference to the end-to-end run is Kafka, the converter and
 * the worker.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SinkPathBenchmark {
  static final int ROWS = 100_000;
  static final int PARTITIONS = 8;
  static final String TOPIC = "events";

  /** The decoded records and the table shape the end-to-end benchmark uses. */
  @State(Scope.Benchmark)
  public static class Records {
    SinkRecord[] records;
    TopicPartition[] partitions;
    PartitionSpec spec;
    StructType schema;

    @Setup(Level.Trial)
    public void decode() {
      JsonConverter json = new JsonConverter();
      json.configure(Map.of("schemas.enable", "true"), false);
      records = new SinkRecord[ROWS];
      for (int i = 0; i < ROWS; i++) {
        SchemaAndValue v = json.toConnectData(TOPIC, BenchEvents.event(i));
        records[i] = new SinkRecord(TOPIC, i % PARTITIONS, null, null, v.schema(), v.value(),
            i / PARTITIONS);
      }
      partitions = new TopicPartition[PARTITIONS];
      for (int p = 0; p < PARTITIONS; p++) {
        partitions[p] = new TopicPartition(TOPIC, p);
      }
      spec = PartitionSpec.parse(List.of("partition_date", "region"),
          List.of("partition_date=date(event_ts)"), ZoneOffset.UTC);
      schema = SchemaMapping.tableSchema(records[0].valueSchema(), spec, false);
    }

    /** What TableSink does per record between the converter and the flush check. */
    RecordBuffer buffer(RowConverter converter, PartitionValues partitioning) {
      RecordBuffer buffer = new RecordBuffer();
      for (SinkRecord r : records) {
        Object[] row = converter.convert(r);
        SizeEstimator.row(row);
        buffer.add(partitions[r.kafkaPartition()], r.kafkaOffset(), partitioning.key(row), schema,
            row, 0);
      }
      return buffer;
    }
  }

  /** A converter per trial, as a task has one per table schema. */
  @State(Scope.Thread)
  public static class Conversion {
    RowConverter converter;
    PartitionValues partitioning;

    @Setup(Level.Trial)
    public void create(Records in) {
      converter = new RowConverter(in.schema, in.spec, false);
      partitioning = new PartitionValues(in.schema, in.spec.columns());
    }
  }

  /**
   * A filled buffer and an empty table directory per invocation (the fill is not measured), with
   * Parquet dictionary encoding on (the default) or off ({@code hadoop.parquet.enable.dictionary}).
   */
  @State(Scope.Thread)
  public static class Batch {
    @Param({"true", "false"})
    String dictionary;
    RecordBuffer buffer;
    Path dir;
    DeltaTable table;

    @Setup(Level.Invocation)
    public void fill(Records in, Conversion path) throws IOException {
      buffer = in.buffer(path.converter, path.partitioning);
      dir = Files.createTempDirectory("sink-bench");
      Configuration conf = new Configuration();
      LocalFileSystem.install(conf);
      conf.set("parquet.enable.dictionary", dictionary);
      table = new DeltaTable(DeltaTable.qualify(dir.resolve("t").toString()), conf);
    }

    @TearDown(Level.Invocation)
    public void delete() throws IOException {
      table.close();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> {
          try {
            Files.delete(f);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      }
    }
  }

  /** Record → row → the partition's column buffer, as the task thread does for every record. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public RecordBuffer convertAndBuffer(Records in, Conversion path) {
    return in.buffer(path.converter, path.partitioning);
  }

  /** Buffered columns → Parquet files (SNAPPY, with statistics) → one Delta commit. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public Object writeAndCommit(Records in, Batch batch) {
    BatchCommitter committer = new BatchCommitter(batch.table, new OffsetDomain("bench"), 0, 5,
        100, false, FaultPoint.parse(""));
    return committer.commit(batch.buffer, in.schema, in.spec.columns());
  }
}
