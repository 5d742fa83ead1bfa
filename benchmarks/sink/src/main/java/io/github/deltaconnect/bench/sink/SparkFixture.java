package io.github.deltaconnect.bench.sink;

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
import io.github.deltaconnect.sink.maintenance.Compactor;
import io.github.deltaconnect.sink.offsets.OffsetDomain;
import io.github.deltaconnect.sink.storage.LocalFileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.common.TopicPartition;

/**
 * Writes the tables {@code tools/spark-check} reads with Spark: DIR/upsert-table (column mapping,
 * partitioned by region; 40 batches of upserts and deletes applied copy-on-write, compacted after
 * commits; DIR/expected.json holds the rows its latest version must have) and DIR/append-table
 * (no column mapping; 12 appended batches, then compacted: 120 rows).
 *
 * <p>{@code ./mvnw -B -q -Pspark-fixture -DskipTests verify -Dbench.args=/tmp/spark-check}
 */
public final class SparkFixture {
  private SparkFixture() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/spark-check");
    Files.createDirectories(dir);
    Configuration conf = new Configuration();
    LocalFileSystem.install(conf);
    StructType schema = new StructType().add("id", LongType.LONG, true)
        .add("name", StringType.STRING, true).add("region", StringType.STRING, true)
        .add("version", LongType.LONG, true);
    Map<Long, String[]> state = new TreeMap<>();
    try (DeltaTable table = new DeltaTable(DeltaTable.qualify(dir.resolve("upsert-table")
        .toString()), conf)) {
      BatchCommitter committer = new BatchCommitter(table, new OffsetDomain("fixture"), 0, 5, 10,
          true, FaultPoint.parse(""), new Gates(List.of()), null, null,
          System::currentTimeMillis, null, new Upserts(List.of("id"), null));
      committer.compactAfterCommits(new Compactor(table, 1 << 20, 6, "fixture"), n -> {});
      Random random = new Random(11);
      String[] regions = {"eu", "us", "apac"};
      KeyHasher hasher = new KeyHasher();
      long offset = 0;
      for (int b = 0; b < 40; b++) {
        RecordBuffer buffer = new RecordBuffer();
        for (int i = 0; i < 50; i++) {
          long id = random.nextInt(300);
          boolean delete = state.containsKey(id) && random.nextInt(5) == 0;
          String region = regions[random.nextInt(3)];
          long version = b * 100L + i;
          hasher.hash(new Object[] {id});
          buffer.addChange(new TopicPartition("t", 0), offset++, List.of(region), schema,
              new Object[] {id, "n" + id + "-" + version, region, version}, 0, hasher.hi(),
              hasher.lo(), RecordBuffer.UNORDERED, delete);
          if (delete) {
            state.remove(id);
          } else {
            state.put(id, new String[] {"n" + id + "-" + version, region, Long.toString(version)});
          }
        }
        committer.commit(buffer, schema, List.of("region"));
      }
    }
    StringBuilder json = new StringBuilder("[\n");
    state.forEach((id, row) -> json.append(String.format(
        "{\"id\":%d,\"name\":\"%s\",\"region\":\"%s\",\"version\":%s},%n", id, row[0], row[1],
        row[2])));
    json.setLength(json.length() - 2);
    Files.writeString(dir.resolve("expected.json"), json.append("\n]\n").toString());

    StructType plain = new StructType().add("id", StringType.STRING, true)
        .add("region", StringType.STRING, true);
    try (DeltaTable table = new DeltaTable(DeltaTable.qualify(dir.resolve("append-table")
        .toString()), conf)) {
      BatchCommitter committer = new BatchCommitter(table, new OffsetDomain("fixture"), 0, 5, 100,
          false, FaultPoint.parse(""));
      for (int b = 0; b < 12; b++) {
        RecordBuffer buffer = new RecordBuffer();
        for (int i = 0; i < 10; i++) {
          int n = b * 10 + i;
          String region = n % 2 == 0 ? "eu" : "us";
          buffer.add(new TopicPartition("t", 0), n, List.of(region), plain,
              new Object[] {"r" + n, region}, 0);
        }
        committer.commit(buffer, plain, List.of("region"));
      }
      Compactor compactor = new Compactor(table, 1 << 20, 5, "fixture");
      for (int round = 0; round < 2; round++) {
        var snapshot = table.latest().orElseThrow();
        var plan = compactor.plan(snapshot);
        if (!plan.isEmpty()) {
          compactor.compact(snapshot, plan.get(0));
        }
      }
    }
    System.out.println("Wrote " + dir.resolve("upsert-table") + " (" + state.size()
        + " rows expected), " + dir.resolve("append-table") + " (120 rows)");
  }
}
