package io.github.deltaconnect.sink.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.deltaconnect.sink.buffer.RecordBuffer;
import io.github.deltaconnect.sink.cdc.Upserts;
import io.github.deltaconnect.sink.commit.BatchCommitter;
import io.github.deltaconnect.sink.commit.BatchCommitterTest;
import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.commit.FaultPoint;
import io.github.deltaconnect.sink.dedup.KeyHasher;
import io.github.deltaconnect.sink.gate.Gates;
import io.github.deltaconnect.sink.offsets.OffsetDomain;
import io.github.deltaconnect.sink.storage.LocalFileSystem;
import io.github.deltaconnect.sink.testing.RacingTable;
import io.github.deltaconnect.sink.testing.TableReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction and cleanup: small files bin-packed while writers keep committing, every version
 * showing every row once; the cleaner deleting only files no version needs any more.
 */
class CompactionTest {
  @TempDir
  Path dir;

  DeltaTable table() {
    Configuration conf = new Configuration();
    LocalFileSystem.install(conf);
    return new DeltaTable(DeltaTable.qualify(dir.resolve("t").toString()), conf);
  }

  TableReader reader() {
    return new TableReader(DeltaTable.qualify(dir.resolve("t").toString()));
  }

  BatchCommitter task(DeltaTable table, int taskId) {
    return new BatchCommitter(table, new OffsetDomain("c"), taskId, 10, 100, false,
        FaultPoint.parse(""));
  }

  /** Rows {@code prefix}{from..to-1} of partition {@code p} at offsets from..to-1, region by i. */
  static RecordBuffer rows(int p, String prefix, int from, int to) {
    RecordBuffer buffer = new RecordBuffer();
    for (int i = from; i < to; i++) {
      Object[] row = {prefix + i, (long) i, i % 2 == 0 ? "eu" : "us"};
      buffer.add(new TopicPartition("t", p), i, java.util.Arrays.asList(row[2]),
          BatchCommitterTest.SCHEMA, row, 0);
    }
    return buffer;
  }

  static List<String> ids(List<Map<String, Object>> rows) {
    return rows.stream().map(r -> (String) r.get("id")).sorted().toList();
  }

  @Test
  void compactingWhileTwoTasksAppendKeepsEveryRowOnceAtEveryVersion() {
    AtomicInteger compacted = new AtomicInteger();
    BatchCommitter a = task(table(), 0);
    BatchCommitter b = task(table(), 1);
    Compactor compactor = new Compactor(table(), 1 << 20, 4, "test");
    a.compactAfterCommits(compactor, compacted::addAndGet);
    b.compactAfterCommits(new Compactor(table(), 1 << 20, 4, "test"), compacted::addAndGet);
    for (int batch = 0; batch < 12; batch++) {
      a.commit(rows(0, "a", batch * 5, batch * 5 + 5), BatchCommitterTest.SCHEMA,
          List.of("region"));
      b.commit(rows(1, "b", batch * 3, batch * 3 + 3), BatchCommitterTest.SCHEMA,
          List.of("region"));
    }
    long latest = reader().snapshot().getVersion();
    assertTrue(compacted.get() > 0, "compactions ran");
    // Appends only: each version holds what the one before held, each row once.
    List<String> before = List.of();
    for (long v = 0; v <= latest; v++) {
      List<String> ids = ids(reader().rows(v));
      assertEquals(ids.size(), new HashSet<>(ids).size(), "a row twice at version " + v);
      assertTrue(ids.containsAll(before), "a row lost at version " + v);
      before = ids;
    }
    assertEquals(60 + 36, before.size());
    assertTrue(reader().dataFiles().size() < 8, "files: " + reader().dataFiles().size()
        + " after 24 commits of 2 files each");
    assertEquals(List.of(), reader().missingFiles());
  }

  @Test
  void theConnectorCompactsWhenConfiguredAndCountsItInJmx() {
    Map<String, String> props = new java.util.HashMap<>();
    props.put(io.github.deltaconnect.sink.config.DeltaSinkConfig.TABLE_LOCATION,
        dir.resolve("t").toString());
    props.put(io.github.deltaconnect.sink.config.DeltaSinkConfig.FLUSH_SIZE, "3");
    props.put(io.github.deltaconnect.sink.config.DeltaSinkConfig.COMPACTION_ENABLED, "true");
    props.put(io.github.deltaconnect.sink.config.DeltaSinkConfig.COMPACTION_MIN_FILES, "4");
    var config = new io.github.deltaconnect.sink.config.DeltaSinkConfig(props);
    var metrics = new io.github.deltaconnect.sink.metrics.SinkMetrics();
    var sink = new io.github.deltaconnect.sink.TableSink(config,
        new io.github.deltaconnect.sink.testing.FakeContext(true), DeltaTable.open(config), "c", 0,
        metrics, System::currentTimeMillis);
    TopicPartition tp = new TopicPartition("t", 0);
    sink.open(List.of(tp));
    org.apache.kafka.connect.data.Schema schema = org.apache.kafka.connect.data.SchemaBuilder
        .struct().field("id", org.apache.kafka.connect.data.Schema.STRING_SCHEMA).build();
    List<org.apache.kafka.connect.sink.SinkRecord> records = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      records.add(new org.apache.kafka.connect.sink.SinkRecord("t", 0, null, null, schema,
          new org.apache.kafka.connect.data.Struct(schema).put("id", "r" + i), i));
    }
    sink.put(records);
    sink.close(List.of(tp));
    sink.stop();
    assertTrue(metrics.getCompactions() > 0);
    assertTrue(metrics.getFilesCompacted() >= 4);
    assertEquals(30, new HashSet<>(ids(reader().rows())).size());
    assertTrue(reader().dataFiles().size() < 4, "files: " + reader().dataFiles());
  }

  @Test
  void anAppendRacingACompactionIsKeptAndTheCompactionCommitsOnTop() {
    BatchCommitter writer = task(table(), 0);
    for (int batch = 0; batch < 5; batch++) {
      writer.commit(rows(0, "a", batch * 4, batch * 4 + 4), BatchCommitterTest.SCHEMA,
          List.of("region"));
    }
    // The append lands after the compaction read its snapshot and before it commits.
    DeltaTable racing = new RacingTable(table(), () -> assertInstanceOf(
        BatchCommitter.Committed.class, task(table(), 1).commit(rows(1, "late", 0, 6),
            BatchCommitterTest.SCHEMA, List.of("region"))));
    Compactor compactor = new Compactor(racing, 1 << 20, 3, "test");
    var snapshot = racing.latest().orElseThrow();
    Compactor.Candidate eu = compactor.plan(snapshot).get(0);
    Optional<Compactor.Result> done = compactor.compact(snapshot, eu);

    assertTrue(done.isPresent(), "appends do not conflict with a compaction");
    assertEquals(5, done.get().removed());
    List<String> ids = ids(reader().rows());
    assertEquals(26, ids.size(), ids.toString());
    assertEquals(26, new HashSet<>(ids).size());
    JsonNode info = commitInfo(done.get().version());
    assertEquals("OPTIMIZE", info.path("operation").asText());
    assertEquals("5", info.path("operationMetrics").path("numRemovedFiles").asText());
    for (JsonNode action : actions(done.get().version())) {
      JsonNode file = action.has("add") ? action.get("add") : action.get("remove");
      if (file != null) {
        assertEquals(false, file.path("dataChange").asBoolean(true), action.toString());
      }
    }
  }

  @Test
  void aCompactionRacingAnUpsertOfOneOfItsFilesGivesWayAndResurrectsNothing() {
    Upserts upserts = new Upserts(List.of("id"), null);
    BatchCommitter writer = new BatchCommitter(table(), new OffsetDomain("c"), 0, 10, 100, false,
        FaultPoint.parse(""), new Gates(List.of()), null, null, System::currentTimeMillis, null,
        upserts);
    for (int batch = 0; batch < 4; batch++) {
      writer.commit(changes(batch * 3, batch * 3 + 3, 0, batch * 3, false),
          BatchCommitterTest.SCHEMA, List.of("region"));
    }
    // k0 is deleted and k1 updated (rewriting the first file) while the compaction of all four
    // files is in flight: its commit would bring the old k0 and k1 back.
    DeltaTable racing = new RacingTable(table(), () -> {
      RecordBuffer change = changes(0, 1, 1, 12, true);
      KeyHasher h = new KeyHasher();
      h.hash(new Object[] {"k1"});
      change.addChange(new TopicPartition("t", 0), 13, List.of("eu"), BatchCommitterTest.SCHEMA,
          new Object[] {"k1", 1L, "eu"}, 0, h.hi(), h.lo(), RecordBuffer.UNORDERED, false);
      writer.commit(change, BatchCommitterTest.SCHEMA, List.of("region"));
    });
    Compactor compactor = new Compactor(racing, 1 << 20, 3, "test");
    var snapshot = racing.latest().orElseThrow();
    Optional<Compactor.Result> done = compactor.compact(snapshot, compactor.plan(snapshot).get(0));

    assertTrue(done.isEmpty(), "the compaction gave way");
    Map<Object, Object> byId = new java.util.TreeMap<>();
    for (Map<String, Object> row : reader().rows()) {
      assertEquals(null, byId.put(row.get("id"), row.get("n")), "two rows of " + row.get("id"));
    }
    assertEquals(null, byId.get("k0"), "the deleted row stays deleted");
    assertEquals(1L, byId.get("k1"), "the update stays");
    assertEquals(11, byId.size());
    assertEquals(List.of(), reader().strayFiles(), "the refused compaction's files are gone");
  }

  /** Upserts (or deletes) of k{from}..k{to-1} with n = version, region eu. */
  static RecordBuffer changes(int from, int to, long version, long offset, boolean delete) {
    RecordBuffer buffer = new RecordBuffer();
    KeyHasher hasher = new KeyHasher();
    for (int i = from; i < to; i++) {
      hasher.hash(new Object[] {"k" + i});
      buffer.addChange(new TopicPartition("t", 0), offset++, List.of("eu"),
          BatchCommitterTest.SCHEMA, new Object[] {"k" + i, version, "eu"}, 0, hasher.hi(),
          hasher.lo(), RecordBuffer.UNORDERED, delete);
    }
    return buffer;
  }

  @Test
  void theCleanerDeletesOnlyFilesNoVersionNeedsOncePastTheRetention() throws Exception {
    BatchCommitter writer = task(table(), 0);
    for (int batch = 0; batch < 4; batch++) {
      writer.commit(rows(0, "a", batch * 4, batch * 4 + 4), BatchCommitterTest.SCHEMA,
          List.of("region"));
    }
    Compactor compactor = new Compactor(table(), 1 << 20, 3, "test");
    var snapshot = table().latest().orElseThrow();
    compactor.compact(snapshot, compactor.plan(snapshot).get(0)).orElseThrow();
    Set<String> removed = new HashSet<>(reader().orphanFiles()); // the 4 compacted eu files
    assertEquals(4, removed.size());
    // A batch that never committed, written long ago; and one being written now.
    Path old = dir.resolve("t/region=us/old-orphan.parquet");
    Files.write(old, new byte[] {1, 2, 3});
    Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000L * 5));
    Path fresh = dir.resolve("t/region=us/fresh-orphan.parquet");
    Files.write(fresh, new byte[] {4});
    Files.createDirectories(dir.resolve("t/_sink_keys/x"));
    Path keys = dir.resolve("t/_sink_keys/x/k.parquet");
    Files.write(keys, new byte[] {5});
    Files.setLastModifiedTime(keys, FileTime.fromMillis(0));

    Cleaner cleaner = new Cleaner(table());
    long now = System.currentTimeMillis();
    List<String> inAnHour = cleaner.find(3_600_000L, now).stream().map(Cleaner.Found::path)
        .map(p -> java.net.URI.create(p).getPath()).toList();
    assertEquals(List.of(old.toString()), inAnHour, "the removed files were removed just now");
    List<Cleaner.Found> later = cleaner.find(3_600_000L, now + 2 * 3_600_000L);
    Set<String> paths = new HashSet<>();
    later.forEach(f -> paths.add(java.net.URI.create(f.path()).getPath()));
    Set<String> expected = new HashSet<>(removed);
    expected.add(old.toString());
    expected.add(fresh.toString()); // two hours on, the fresh orphan is old too
    assertEquals(expected, paths);

    // The command line's dry run lists, deletes nothing; the real run deletes.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = TableMaintenance.run(new String[] {"clean", dir.resolve("t").toString(),
        "--retention-hours", "1", "--dry-run"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        System.err);
    assertEquals(0, status);
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("would delete"), out.toString());
    assertTrue(Files.exists(old));
    assertEquals(1, cleaner.delete(cleaner.find(3_600_000L, now)));
    assertTrue(!Files.exists(old) && Files.exists(fresh) && Files.exists(keys));
    assertEquals(16, reader().rows().size());
    assertEquals(List.of(), reader().missingFiles());
    assertEquals(16, reader().rows(reader().snapshot().getVersion() - 1).size(),
        "time travel to before the compaction still reads");
  }

  @Test
  void theCompactCommandBinPacksEveryPartitionAndTheReadersSeeTheSameRows() {
    BatchCommitter writer = task(table(), 0);
    for (int batch = 0; batch < 6; batch++) {
      writer.commit(rows(0, "a", batch * 4, batch * 4 + 4), BatchCommitterTest.SCHEMA,
          List.of("region"));
    }
    List<String> before = ids(reader().rows());
    assertEquals(12, reader().dataFiles().size());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, TableMaintenance.run(new String[] {"compact", dir.resolve("t").toString(),
        "--min-files", "3"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err));
    assertEquals(before, ids(reader().rows()));
    assertEquals(2, reader().dataFiles().size(), out.toString(StandardCharsets.UTF_8));
    assertEquals(2, TableMaintenance.run(new String[] {"compact"}, System.out,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
  }

  JsonNode commitInfo(long version) {
    for (JsonNode action : actions(version)) {
      if (action.has("commitInfo")) {
        return action.get("commitInfo");
      }
    }
    throw new AssertionError("no commitInfo in version " + version);
  }

  List<JsonNode> actions(long version) {
    try {
      List<JsonNode> out = new ArrayList<>();
      ObjectMapper json = new ObjectMapper();
      for (String line : Files.readAllLines(dir.resolve("t/_delta_log")
          .resolve(String.format("%020d.json", version)))) {
        out.add(json.readTree(line));
      }
      return out;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
