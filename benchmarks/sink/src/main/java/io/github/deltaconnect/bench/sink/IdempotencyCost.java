package io.github.deltaconnect.bench.sink;

import io.delta.kernel.types.StructType;
import io.github.deltaconnect.bench.BenchEvents;
import io.github.deltaconnect.sink.buffer.RecordBuffer;
import io.github.deltaconnect.sink.commit.BatchCommitter;
import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.commit.FaultPoint;
import io.github.deltaconnect.sink.config.PartitionSpec;
import io.github.deltaconnect.sink.convert.RowConverter;
import io.github.deltaconnect.sink.convert.SchemaMapping;
import io.github.deltaconnect.sink.dedup.KeyHasher;
import io.github.deltaconnect.sink.dedup.KeyIndex;
import io.github.deltaconnect.sink.gate.Gates;
import io.github.deltaconnect.sink.offsets.OffsetDomain;
import io.github.deltaconnect.sink.storage.LocalFileSystem;
import io.github.deltaconnect.sink.write.PartitionValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * What delta.idempotency.key costs once the table holds many keys: the same batches committed to
 * a table without a key and to one with the key, after both already hold {@code --keys} rows, one
 * thread. Per measured batch it times the task thread's part (convert, hash, buffer) and the
 * commit (check against the index, Parquet, key segment and merges, Delta commit) separately.
 * Each batch repeats 1 % of the previous batch's keys, which the keyed table leaves out.
 *
 * <p>{@code ./mvnw -B -q -Pbench-idempotency -DskipTests verify
 * -Dbench.args="--keys 10000000"}
 */
public final class IdempotencyCost {
  private static final String TOPIC = "events";
  private static final int PARTITIONS = 8;

  private final int batchSize;
  private final SinkRecord[] records;
  private final PartitionSpec spec;
  private final StructType schema;
  private final int idColumn;
  /** Each record's event_id as the converter gives it. */
  private final Object[] ids;

  private IdempotencyCost(int batchSize) {
    this.batchSize = batchSize;
    JsonConverter json = new JsonConverter();
    json.configure(Map.of("schemas.enable", "true"), false);
    records = new SinkRecord[batchSize];
    for (int i = 0; i < batchSize; i++) {
      SchemaAndValue v = json.toConnectData(TOPIC, BenchEvents.event(i));
      records[i] = new SinkRecord(TOPIC, i % PARTITIONS, null, null, v.schema(), v.value(), 0);
    }
    spec = PartitionSpec.parse(List.of("partition_date", "region"),
        List.of("partition_date=date(event_ts)"), ZoneOffset.UTC);
    schema = SchemaMapping.tableSchema(records[0].valueSchema(), spec, false);
    idColumn = schema.indexOf("event_id");
    RowConverter converter = new RowConverter(schema, spec, false);
    ids = new Object[batchSize];
    for (int i = 0; i < batchSize; i++) {
      ids[i] = converter.convert(records[i])[idColumn];
    }
  }

  /** Batch {@code b}; keyed: each row's key is (event_id, b), 1 % of them a key of batch b - 1. */
  RecordBuffer batch(int b, boolean keyed, RowConverter converter, PartitionValues partitioning,
      KeyHasher hasher) {
    RecordBuffer buffer = new RecordBuffer();
    Object[] key = new Object[2];
    for (int i = 0; i < batchSize; i++) {
      SinkRecord r = records[i];
      Object[] row = converter.convert(r);
      TopicPartition tp = new TopicPartition(TOPIC, r.kafkaPartition());
      long offset = (long) b * (batchSize / PARTITIONS + 1) + i / PARTITIONS;
      if (keyed) {
        boolean repeat = i % 100 == 1 && b > 0; // the key of row i + 1 of the previous batch
        key[0] = repeat ? ids[i + 1] : row[idColumn];
        key[1] = (long) (repeat ? b - 1 : b);
        hasher.hash(key);
        buffer.addKeyed(tp, offset, partitioning.key(row), schema, row, 0, hasher.hi(),
            hasher.lo(), b * 1000L, false);
      } else {
        buffer.add(tp, offset, partitioning.key(row), schema, row, 0);
      }
    }
    return buffer;
  }

  record Result(String mode, double bufferRate, double commitRate, long p50Ms, long maxMs,
      long heapMb, long keys, int segments, long keyBytes, long rows) {}

  Result run(boolean keyed, long keys, int measured, Path dir) throws IOException {
    Configuration conf = new Configuration();
    LocalFileSystem.install(conf);
    DeltaTable table = new DeltaTable(DeltaTable.qualify(dir.toString()), conf);
    KeyIndex index = keyed ? new KeyIndex(table.location(), table.fileSystems(),
        List.of("event_id", "batch"), 0, keys * 2) : null;
    BatchCommitter committer = new BatchCommitter(table, new OffsetDomain("bench"), 0, 5, 100,
        false, FaultPoint.parse(""), new Gates(List.of()), null, null,
        System::currentTimeMillis, index);
    RowConverter converter = new RowConverter(schema, spec, false);
    PartitionValues partitioning = new PartitionValues(schema, spec.columns());
    KeyHasher hasher = new KeyHasher();
    int prior = (int) (keys / batchSize);
    long start = System.nanoTime();
    for (int b = 0; b < prior; b++) {
      committer.commit(batch(b, keyed, converter, partitioning, hasher), schema, spec.columns());
      if ((b + 1) % 10 == 0) {
        System.out.printf(Locale.ROOT, "  %s: %d of %d prior batches (%.0f s)%n",
            keyed ? "key" : "no key", b + 1, prior, (System.nanoTime() - start) / 1e9);
      }
    }
    long bufferNanos = 0;
    long commitNanos = 0;
    List<Long> latencies = new ArrayList<>();
    long rows = 0;
    for (int b = prior; b < prior + measured; b++) {
      long t0 = System.nanoTime();
      RecordBuffer buffer = batch(b, keyed, converter, partitioning, hasher);
      long t1 = System.nanoTime();
      BatchCommitter.Committed c = (BatchCommitter.Committed) committer.commit(buffer, schema,
          spec.columns());
      long t2 = System.nanoTime();
      bufferNanos += t1 - t0;
      commitNanos += t2 - t1;
      latencies.add((t2 - t1) / 1_000_000);
      rows += buffer.records() - c.duplicates();
    }
    System.gc();
    long heap = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
    Collections.sort(latencies);
    long keyBytes = 0;
    Path keysDir = dir.resolve("_sink_keys");
    if (Files.exists(keysDir)) {
      try (Stream<Path> files = Files.walk(keysDir)) {
        keyBytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
      }
    }
    Result r = new Result(keyed ? "key (event_id, batch)" : "no key",
        (double) measured * batchSize / (bufferNanos / 1e9),
        (double) measured * batchSize / (commitNanos / 1e9), latencies.get(latencies.size() / 2),
        latencies.get(latencies.size() - 1), heap, keyed ? index.keys() : 0,
        keyed ? index.segments() : 0, keyBytes, rows);
    table.close();
    return r;
  }

  public static void main(String[] args) throws Exception {
    long keys = 10_000_000;
    int batch = 100_000;
    int measured = 10;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--keys" -> keys = Long.parseLong(args[i + 1]);
        case "--batch" -> batch = Integer.parseInt(args[i + 1]);
        case "--measure" -> measured = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + " (--keys N, --batch N, --measure N)");
      }
    }
    IdempotencyCost cost = new IdempotencyCost(batch);
    Path work = Files.createTempDirectory("idempotency-bench");
    System.out.printf(Locale.ROOT, "Tables of %,d rows, then %d measured batches of %,d records;"
        + " work dir %s%n", keys, measured, batch, work);
    List<Result> results = new ArrayList<>();
    results.add(cost.run(false, keys, measured, work.resolve("plain")));
    results.add(cost.run(true, keys, measured, work.resolve("keyed")));
    System.out.println();
    System.out.println("| Table | task thread records/s | commit records/s | commit p50 ms | commit max"
        + " ms | heap after GC MB | index keys | segments | _sink_keys bytes | rows written |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Result r : results) {
      System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %d | %d | %d | %,d | %d | %,d | %,d |%n",
          r.mode(), r.bufferRate(), r.commitRate(), r.p50Ms(), r.maxMs(), r.heapMb(), r.keys(),
          r.segments(), r.keyBytes(), r.rows());
    }
  }
}
