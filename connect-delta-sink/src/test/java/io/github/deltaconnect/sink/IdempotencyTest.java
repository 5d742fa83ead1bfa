package io.github.deltaconnect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.dedup.IndexManifest;
import io.github.deltaconnect.sink.dedup.KeyIndex;
import io.github.deltaconnect.sink.metrics.SinkMetrics;
import io.github.deltaconnect.sink.offsets.OffsetDomain;
import io.github.deltaconnect.sink.testing.FakeContext;
import io.github.deltaconnect.sink.testing.RacingTable;
import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** delta.idempotency.key: one row per key, inside a batch, across batches, tasks and restarts. */
class IdempotencyTest {
  static final String TOPIC = "events";
  static final long DAY = 86_400_000L;
  static final Schema SOURCE = SchemaBuilder.struct().name("Source")
      .field("system", Schema.OPTIONAL_STRING_SCHEMA).build();
  static final Schema EVENT = SchemaBuilder.struct().name("Event")
      .field("event_id", Schema.OPTIONAL_STRING_SCHEMA)
      .field("source", SOURCE)
      .field("region", Schema.STRING_SCHEMA)
      .field("version", Schema.INT32_SCHEMA)
      .build();

  @TempDir
  Path dir;
  final AtomicLong clock = new AtomicLong(1_000_000);
  final SinkMetrics metrics = new SinkMetrics();

  Map<String, String> props(String... extra) {
    Map<String, String> p = new HashMap<>();
    p.put(DeltaSinkConfig.TABLE_LOCATION, dir.resolve("table").toString());
    p.put(DeltaSinkConfig.PARTITION_FIELDS, "region");
    p.put(DeltaSinkConfig.FLUSH_SIZE, "1000000");
    p.put(DeltaSinkConfig.IDEMPOTENCY_KEY, "event_id,source.system");
    for (int i = 0; i < extra.length; i += 2) {
      p.put(extra[i], extra[i + 1]);
    }
    return p;
  }

  TableSink sink(FakeContext ctx, Map<String, String> props, int taskId,
      Function<DeltaTable, DeltaTable> wrap) {
    DeltaSinkConfig config = new DeltaSinkConfig(props);
    return new TableSink(config, ctx, wrap.apply(DeltaTable.open(config)), "conn", taskId, metrics,
        clock::get);
  }

  TableSink sink(FakeContext ctx, Map<String, String> props, int taskId) {
    return sink(ctx, props, taskId, t -> t);
  }

  /** An event with key (id, system), record time {@code ts}; {@code version} tells copies apart. */
  static SinkRecord event(int partition, long offset, String id, String system, int version,
      long ts) {
    Struct v = new Struct(EVENT).put("event_id", id)
        .put("source", new Struct(SOURCE).put("system", system))
        .put("region", offset % 2 == 0 ? "eu" : "us")
        .put("version", version);
    return new SinkRecord(TOPIC, partition, null, null, EVENT, v, offset, ts,
        TimestampType.CREATE_TIME);
  }

  /** Records of partition {@code p} from {@code offset} on, one per id, all with {@code version}. */
  static List<SinkRecord> events(int p, long offset, int version, long ts, String... ids) {
    List<SinkRecord> out = new ArrayList<>();
    for (String id : ids) {
      out.add(event(p, offset++, id, "crm", version, ts));
    }
    return out;
  }

  TableReader reader() {
    return new TableReader(DeltaTable.qualify(dir.resolve("table").toString()));
  }

  /** event_id → version, failing if any key has two rows. */
  Map<String, Integer> rowsByKey() {
    Map<String, Integer> out = new TreeMap<>();
    for (Map<String, Object> row : reader().rows()) {
      @SuppressWarnings("unchecked")
      String key = row.get("event_id") + "/" + ((Map<String, Object>) row.get("source")).get("system");
      Integer before = out.put(key, (Integer) row.get("version"));
      assertEquals(null, before, "two rows with key " + key);
    }
    return out;
  }

  long storedOffset(int partition) {
    return OffsetDomain.decode(reader().domain(new OffsetDomain("conn")
        .name(new TopicPartition(TOPIC, partition))).orElseThrow()).offset();
  }

  void run(TableSink sink, int partition, List<SinkRecord> records) {
    TopicPartition tp = new TopicPartition(TOPIC, partition);
    sink.open(List.of(tp));
    sink.put(records);
    sink.close(List.of(tp));
  }

  @Test
  void withinABatchTheFirstRecordOfAKeyIsKeptByDefault() {
    List<SinkRecord> records = new ArrayList<>();
    records.add(event(0, 0, "a", "crm", 1, 0));
    records.add(event(0, 1, "b", "crm", 1, 0));
    records.add(event(0, 2, "a", "crm", 2, 0));
    records.add(event(0, 3, "a", "erp", 1, 0)); // same id, other system: another key
    records.add(event(0, 4, "b", "crm", 2, 0));
    records.add(event(0, 5, "a", "crm", 3, 0));
    run(sink(new FakeContext(true), props(), 0), 0, records);

    assertEquals(Map.of("a/crm", 1, "a/erp", 1, "b/crm", 1), rowsByKey());
    assertEquals(5, storedOffset(0), "the dropped records are consumed too");
    assertEquals(3, metrics.getDuplicatesDroppedInBatch());
    assertEquals(3, metrics.getRecordsWritten());
  }

  @Test
  void withKeepLastTheLatestRecordOfAKeyInABatchIsKept() {
    List<SinkRecord> records = new ArrayList<>();
    for (int v = 1; v <= 4; v++) {
      records.add(event(0, records.size(), "a", "crm", v, 0));
      records.add(event(0, records.size(), "b-" + v, "crm", v, 0));
    }
    run(sink(new FakeContext(true), props(DeltaSinkConfig.IDEMPOTENCY_KEEP, "last"), 0), 0,
        records);

    Map<String, Integer> rows = rowsByKey();
    assertEquals(4, rows.get("a/crm"));
    assertEquals(5, rows.size());
    assertEquals(3, metrics.getDuplicatesDroppedInBatch());
    assertEquals(5, metrics.getRecordsWritten());
  }

  @Test
  void aKeyTheTableHoldsIsLeftOutOfLaterBatchesAndAfterARestart() throws Exception {
    FakeContext ctx = new FakeContext(true);
    TableSink first = sink(ctx, props(), 0);
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    first.open(List.of(p0));
    first.put(events(0, 0, 1, 0, "a", "b", "c"));
    first.preCommit(Map.of()); // nothing due yet
    first.close(List.of(p0)); // batch 1
    first.open(List.of(p0));
    first.put(events(0, 3, 2, 0, "b", "d", "a"));
    first.close(List.of(p0)); // batch 2: b and a are in the table
    first.stop();
    assertEquals(Map.of("a/crm", 1, "b/crm", 1, "c/crm", 1, "d/crm", 2), rowsByKey());

    // A new task (restart or rebalance) reads the index back from the table.
    SinkMetrics before = new SinkMetrics();
    TableSink second = new TableSink(new DeltaSinkConfig(props()), new FakeContext(true),
        DeltaTable.open(new DeltaSinkConfig(props())), "conn", 0, before, clock::get);
    run(second, 1, events(1, 0, 3, 0, "c", "e", "d"));
    assertEquals(Map.of("a/crm", 1, "b/crm", 1, "c/crm", 1, "d/crm", 2, "e/crm", 3), rowsByKey());
    assertEquals(2, before.getDuplicatesDroppedInTable());
    assertEquals(1, before.getRecordsWritten());
    assertEquals(5, before.getIdempotencyKeys());
    assertEquals(2, storedOffset(1));
    assertEquals(5, storedOffset(0));

    // The commit says how many it left out, and the index files are under _sink_keys.
    long version = reader().snapshot().getVersion();
    assertEquals("2", QualityGatesTest.commitInfo(dir, version).path("operationMetrics")
        .path("numDuplicateRows").asText());
    IndexManifest manifest = IndexManifest.decode(reader()
        .domain(KeyIndex.domain(List.of("event_id", "source.system"))).orElseThrow());
    assertEquals(3, manifest.segments().size());
    assertEquals(5, manifest.keys());
    for (IndexManifest.Entry e : manifest.segments()) {
      assertTrue(e.file().startsWith("_sink_keys/"), e.file());
      assertTrue(Files.exists(dir.resolve("table").resolve(e.file())), e.file());
    }
    assertEquals(List.of(), reader().orphanFiles());
  }

  @Test
  void twoTasksGivenTheSameKeysOnDifferentPartitionsWriteOneRowPerKey() {
    // Task 1 commits while task 0's commit is between reading the index and committing: task 0's
    // commit conflicts on the index domain, re-reads it, and writes only the keys task 1 did not.
    // The table exists first, so the race is between two appends, not two table creations.
    TableSink seed = sink(new FakeContext(true), props(), 2);
    run(seed, 2, events(2, 0, 9, 0, "z"));
    seed.stop();
    FakeContext ctx1 = new FakeContext(true);
    TableSink task1 = sink(ctx1, props(), 1);
    TopicPartition p1 = new TopicPartition(TOPIC, 1);
    Runnable race = () -> run(task1, 1, events(1, 0, 1, 0, "b", "c", "x", "y"));
    TableSink task0 = sink(new FakeContext(true), props(), 0, t -> new RacingTable(t, race));
    run(task0, 0, events(0, 0, 0, 0, "a", "b", "c", "d"));

    assertEquals(Map.of("a/crm", 0, "b/crm", 1, "c/crm", 1, "d/crm", 0, "x/crm", 1, "y/crm", 1,
        "z/crm", 9), rowsByKey());
    assertEquals(2, reader().snapshot().getVersion(), "seed, task 1, task 0 after a retry");
    assertEquals(3, storedOffset(0));
    assertEquals(3, storedOffset(1));
    assertEquals(2, metrics.getDuplicatesDroppedInTable());
    assertEquals(7, metrics.getRecordsWritten());
    // The files task 0 wrote before the conflict held b and c: deleted, not left for readers.
    assertEquals(List.of(), reader().orphanFiles());
    task0.stop();
    task1.stop();
  }

  @Test
  void keysOlderThanTheWindowAreForgotten() {
    Map<String, String> props = props(DeltaSinkConfig.IDEMPOTENCY_WINDOW_MS, Long.toString(DAY));
    TableSink sink = sink(new FakeContext(true), props, 0);
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    sink.open(List.of(p0));
    sink.put(events(0, 0, 1, 0, "a"));
    sink.close(List.of(p0));
    sink.open(List.of(p0));
    sink.put(events(0, 1, 2, DAY / 2, "a", "b")); // a: inside the window, left out
    sink.close(List.of(p0));
    sink.open(List.of(p0));
    sink.put(events(0, 3, 3, 3 * DAY, "b", "c")); // b's batch is 2.5 days old: expired
    sink.close(List.of(p0));
    sink.stop();
    // Within a day of each other, a is kept once; b, 2.5 days apart, is a new row again.
    List<String> rows = reader().rows().stream()
        .map(r -> r.get("event_id") + "@" + r.get("version")).sorted().toList();
    assertEquals(List.of("a@1", "b@2", "b@3", "c@3"), rows);
  }

  @Test
  void aRecordWithoutAnyKeyValueGoesToTheDlqWithTheReason() {
    FakeContext ctx = new FakeContext(true);
    List<SinkRecord> records = new ArrayList<>(events(0, 0, 1, 0, "a"));
    records.add(event(0, 1, null, null, 1, 0));
    records.add(event(0, 2, null, "crm", 1, 0)); // one key field set: a key
    run(sink(ctx, props(), 0), 0, records);

    assertEquals(1, ctx.dlq.size());
    assertEquals(1L, ctx.dlq.get(0).kafkaOffset());
    assertTrue(ctx.dlqReasons.get(0).getMessage().contains("delta.idempotency.key"),
        ctx.dlqReasons.get(0).getMessage());
    assertEquals(2, rowsByKey().size());
    assertEquals(2, storedOffset(0));
  }

  @Test
  void aMissingKeyFileStopsTheTaskInsteadOfLettingDuplicatesThrough() throws Exception {
    run(sink(new FakeContext(true), props(), 0), 0, events(0, 0, 1, 0, "a", "b"));
    IndexManifest manifest = IndexManifest.decode(reader()
        .domain(KeyIndex.domain(List.of("event_id", "source.system"))).orElseThrow());
    String file = manifest.segments().get(0).file();
    Files.delete(dir.resolve("table").resolve(file));

    TableSink next = sink(new FakeContext(true), props(DeltaSinkConfig.COMMIT_PIPELINED, "false"),
        0);
    TopicPartition p1 = new TopicPartition(TOPIC, 1);
    next.open(List.of(p1));
    next.put(events(1, 0, 2, 0, "a", "c"));
    ConnectException e = assertThrows(ConnectException.class, () -> next.close(List.of(p1)));
    assertTrue(e.getMessage().contains(file) && e.getMessage().contains("cannot be read"),
        e.getMessage());
    assertEquals(Map.of("a/crm", 1, "b/crm", 1), rowsByKey(), "nothing written without the index");
    next.stop();
  }

  @Test
  void aKeyFieldTheTableLacksFailsTheTaskNamingTheProperty() {
    TableSink sink = sink(new FakeContext(true),
        props(DeltaSinkConfig.IDEMPOTENCY_KEY, "event_id,missing"), 0);
    sink.open(List.of(new TopicPartition(TOPIC, 0)));
    ConnectException e = assertThrows(ConnectException.class,
        () -> sink.put(events(0, 0, 1, 0, "a")));
    assertTrue(e.getMessage().contains("delta.idempotency.key: field 'missing'"), e.getMessage());
    sink.stop();
  }
}
