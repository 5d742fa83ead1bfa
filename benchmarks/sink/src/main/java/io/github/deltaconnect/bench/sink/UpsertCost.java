package io.github.deltaconnect.bench.sink;

import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.github.deltaconnect.sink.buffer.RecordBuffer;
import io.github.deltaconnect.sink.cdc.Upserts;
import io.github.deltaconnect.sink.commit.BatchCommitter;
import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.commit.FaultPoint;
import io.github.deltaconnect.sink.dedup.KeyHasher;
import io.github.deltaconnect.sink.gate.Gates;
import io.github.deltaconnect.sink.offsets.OffsetDomain;
import io.github.deltaconnect.sink.storage.LocalFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.common.TopicPartition;

/**
 * What delta.write.mode=upsert costs: batches of changes (89 % inserts of new ids, 10 % updates
 * and 1 % deletes of ids the table holds) committed copy-on-write to a table that already holds
 * {@code --rows} rows, against appending the same batches. Updated ids are drawn uniformly from
 * the whole table ("uniform": nearly every file holds one, the worst case of copy-on-write) or
 * from its newest tenth ("recent": CDC's usual shape, recent rows change). One thread; per batch
 * it times the commit (find and read candidate files, rewrite, write, Delta commit).
 *
 * <p>{@code ./mvnw -B -q -Pbench-upsert -DskipTests verify -Dbench.args="--rows 2000000"}
 */
public final class UpsertCost {
  static final StructType SCHEMA = new StructType()
      .add("id", LongType.LONG, true)
      .add("region", StringType.STRING, true)
      .add("amount", DoubleType.DOUBLE, true)
      .add("payload", StringType.STRING, true)
      .add("version", LongType.LONG, true);
  static final List<String> PARTITIONS = List.of("region");
  static final String[] REGIONS = {"eu", "us", "apac", "latam", "mea", "anz", "ca", "in"};
  static final TopicPartition TP = new TopicPartition("customers", 0);

  private final int batchSize;
  private final KeyHasher hasher = new KeyHasher();
  private final Object[] key = new Object[1];
  private long nextId;
  private long offset;

  UpsertCost(int batchSize) {
    this.batchSize = batchSize;
  }

  static Object[] row(long id, long version) {
    return new Object[] {id, REGIONS[(int) (id % REGIONS.length)], id * 0.01 + version,
        "payload-" + id + "-" + "x".repeat(64), version};
  }

  void add(RecordBuffer buffer, long id, long version, boolean delete, boolean upsert) {
    Object[] row = row(id, version);
    List<Object> partition = List.of(row[1]);
    if (!upsert) {
      buffer.add(TP, offset++, partition, SCHEMA, row, 0);
      return;
    }
    key[0] = id;
    hasher.hash(key);
    buffer.addChange(TP, offset++, partition, SCHEMA, row, 0, hasher.hi(), hasher.lo(),
        RecordBuffer.UNORDERED, delete);
  }

  /** A batch of new ids only (loading the table). */
  RecordBuffer inserts(boolean upsert) {
    RecordBuffer buffer = new RecordBuffer();
    for (int i = 0; i < batchSize; i++) {
      add(buffer, nextId++, 0, false, upsert);
    }
    return buffer;
  }

  /** A measured batch: 1 % deletes and 10 % updates of held ids, the rest new ids. */
  RecordBuffer changes(boolean upsert, boolean recent, Random random, long version) {
    RecordBuffer buffer = new RecordBuffer();
    long held = nextId;
    long from = recent ? held - held / 10 : 0;
    for (int i = 0; i < batchSize; i++) {
      int kind = i % 100;
      if (kind < 11) {
        long id = from + (long) (random.nextDouble() * (held - from));
        add(buffer, id, version, kind == 0, upsert);
      } else {
        add(buffer, nextId++, version, false, upsert);
      }
    }
    return buffer;
  }

  record Result(String mode, double rate, long p50Ms, long maxMs, double filesRemoved,
      double rowsCopied, long heapMb) {}

  Result run(String mode, long rows, int measured, Path dir) throws IOException {
    boolean upsert = !mode.equals("append");
    boolean recent = mode.equals("upsert, recent ids");
    nextId = 0;
    offset = 0;
    Configuration conf = new Configuration();
    LocalFileSystem.install(conf);
    DeltaTable table = new DeltaTable(DeltaTable.qualify(dir.toString()), conf);
    BatchCommitter committer = new BatchCommitter(table, new OffsetDomain("bench"), 0, 5, 100,
        false, FaultPoint.parse(""), new Gates(List.of()), null, null,
        System::currentTimeMillis, null, upsert ? new Upserts(List.of("id"), null) : null);
    int prior = (int) (rows / batchSize);
    long start = System.nanoTime();
    for (int b = 0; b < prior; b++) {
      committer.commit(inserts(upsert), SCHEMA, PARTITIONS);
      if ((b + 1) % 10 == 0) {
        System.out.printf(Locale.ROOT, "  %s: %d of %d prior batches (%.0f s)%n", mode, b + 1,
            prior, (System.nanoTime() - start) / 1e9);
      }
    }
    Random random = new Random(42);
    long nanos = 0;
    List<Long> latencies = new ArrayList<>();
    long removed = 0;
    long copied = 0;
    for (int b = 0; b < measured; b++) {
      RecordBuffer buffer = changes(upsert, recent, random, b + 1);
      long t0 = System.nanoTime();
      committer.commit(buffer, SCHEMA, PARTITIONS);
      long t1 = System.nanoTime();
      nanos += t1 - t0;
      latencies.add((t1 - t0) / 1_000_000);
      if (upsert) {
        long version = table.latest().orElseThrow().getVersion();
        removed += metric(dir, version, "numTargetFilesRemoved");
        copied += metric(dir, version, "numTargetRowsCopied");
      }
    }
    System.gc();
    long heap = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
    Collections.sort(latencies);
    table.close();
    return new Result(mode, (double) measured * batchSize / (nanos / 1e9),
        latencies.get(latencies.size() / 2), latencies.get(latencies.size() - 1),
        (double) removed / measured, (double) copied / measured, heap);
  }

  /** One operation metric of a version's commitInfo (0 when absent). */
  static long metric(Path dir, long version, String name) throws IOException {
    Path commit = dir.resolve("_delta_log").resolve(String.format(Locale.ROOT, "%020d.json",
        version));
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    for (String line : Files.readAllLines(commit)) {
      com.fasterxml.jackson.databind.JsonNode info = json.readTree(line).path("commitInfo");
      if (!info.isMissingNode()) {
        return info.path("operationMetrics").path(name).asLong(0);
      }
    }
    return 0;
  }

  public static void main(String[] args) throws Exception {
    long rows = 2_000_000;
    int batch = 100_000;
    int measured = 10;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--rows" -> rows = Long.parseLong(args[i + 1]);
        case "--batch" -> batch = Integer.parseInt(args[i + 1]);
        case "--measure" -> measured = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + " (--rows N, --batch N, --measure N)");
      }
    }
    Path work = Files.createTempDirectory("upsert-bench");
    System.out.printf(Locale.ROOT, "Tables of %,d rows (%d regions), then %d measured batches of"
        + " %,d changes (89%% inserts, 10%% updates, 1%% deletes); work dir %s%n", rows,
        REGIONS.length, measured, batch, work);
    List<Result> results = new ArrayList<>();
    for (String mode : List.of("append", "upsert, recent ids", "upsert, uniform ids")) {
      results.add(new UpsertCost(batch).run(mode, rows, measured,
          work.resolve(mode.replaceAll("[^a-z]", ""))));
    }
    System.out.println();
    System.out.println("| Mode | commit records/s | commit p50 ms | commit max ms | files removed"
        + " per commit | rows copied per commit | heap after GC MB |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    Consumer<Result> print = r -> System.out.printf(Locale.ROOT,
        "| %s | %,.0f | %d | %d | %.1f | %,.0f | %d |%n", r.mode(), r.rate(), r.p50Ms(),
        r.maxMs(), r.filesRemoved(), r.rowsCopied(), r.heapMb());
    results.forEach(print);
  }
}
