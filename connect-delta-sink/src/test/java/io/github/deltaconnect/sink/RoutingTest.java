package io.github.deltaconnect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.metrics.SinkMetrics;
import io.github.deltaconnect.sink.offsets.OffsetDomain;
import io.github.deltaconnect.sink.route.TableRouter;
import io.github.deltaconnect.sink.testing.FakeContext;
import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One connector, many tables: by topic, or by a field's value, each table exactly once. */
class RoutingTest {
  static final Schema ROW = SchemaBuilder.struct().name("Row")
      .field("id", Schema.STRING_SCHEMA)
      .field("tenant", Schema.OPTIONAL_STRING_SCHEMA)
      .field("n", Schema.INT32_SCHEMA).build();

  @TempDir
  Path dir;
  final AtomicLong clock = new AtomicLong(1_000_000);
  final SinkMetrics metrics = new SinkMetrics();

  Map<String, String> props(String location, String... extra) {
    Map<String, String> p = new HashMap<>();
    p.put(DeltaSinkConfig.TABLE_LOCATION, dir.resolve(location).toString());
    p.put(DeltaSinkConfig.FLUSH_SIZE, "1000000");
    for (int i = 0; i < extra.length; i += 2) {
      p.put(extra[i], extra[i + 1]);
    }
    return p;
  }

  TableRouter router(FakeContext ctx, Map<String, String> props) {
    DeltaSinkConfig config = new DeltaSinkConfig(props);
    DeltaTable root = DeltaTable.open(config, dir.resolve("root").toString());
    return new TableRouter(config, ctx, root, "conn", 0, metrics, clock::get);
  }

  static SinkRecord record(String topic, int partition, long offset, String tenant) {
    Struct v = new Struct(ROW).put("id", topic + "-" + partition + "-" + offset)
        .put("tenant", tenant).put("n", (int) offset);
    return new SinkRecord(topic, partition, null, null, ROW, v, offset);
  }

  /** Table (directory name) → ids in it, failing on any id twice. */
  Map<String, List<String>> tables(String... names) {
    Map<String, List<String>> out = new TreeMap<>();
    for (String name : names) {
      Path table = dir.resolve(name);
      if (!Files.exists(table.resolve("_delta_log"))) {
        continue;
      }
      List<String> ids = new ArrayList<>();
      for (Map<String, Object> row : new TableReader(DeltaTable.qualify(table.toString())).rows()) {
        ids.add((String) row.get("id"));
      }
      ids.sort(null);
      assertEquals(ids.size(), new java.util.HashSet<>(ids).size(), "an id twice in " + name);
      out.put(name, ids);
    }
    return out;
  }

  static List<String> ids(String topic, int partition, long from, long to) {
    List<String> out = new ArrayList<>();
    for (long o = from; o < to; o++) {
      out.add(topic + "-" + partition + "-" + o);
    }
    out.sort(null);
    return out;
  }

  @Test
  void eachTopicLandsInItsOwnTableExactlyOnceThroughARestart() {
    Map<String, String> props = props("raw/${topic}");
    List<TopicPartition> tps = List.of(new TopicPartition("orders", 0),
        new TopicPartition("clicks", 0), new TopicPartition("users", 0));
    FakeContext ctx = new FakeContext(true);
    TableRouter first = router(ctx, props);
    first.open(tps);
    List<SinkRecord> batch = new ArrayList<>();
    for (long o = 0; o < 30; o++) {
      for (TopicPartition tp : tps) {
        batch.add(record(tp.topic(), 0, o, null));
      }
    }
    first.put(batch);
    first.close(tps); // commits every table
    first.open(tps);
    List<SinkRecord> more = new ArrayList<>();
    for (long o = 30; o < 40; o++) {
      more.add(record("orders", 0, o, null)); // only orders gets more, and is not committed
    }
    first.put(more);
    first.stop(); // a crash: orders 30..39 were only buffered

    // The next task resumes each partition after its own table's offsets, not the group's.
    FakeContext ctx2 = new FakeContext(true);
    TableRouter second = router(ctx2, props);
    second.open(tps);
    assertEquals(Map.of(tps.get(0), 30L, tps.get(1), 30L, tps.get(2), 30L), ctx2.offsets);
    List<SinkRecord> again = new ArrayList<>();
    for (long o = 25; o < 40; o++) { // Connect redelivers from earlier than that: skipped
      again.add(record("orders", 0, o, null));
    }
    second.put(again);
    second.close(tps);
    second.stop();

    assertEquals(Map.of("raw/clicks", ids("clicks", 0, 0, 30), "raw/orders",
        ids("orders", 0, 0, 40), "raw/users", ids("users", 0, 0, 30)),
        tables("raw/clicks", "raw/orders", "raw/users"));
    assertEquals(39, OffsetDomain.decode(new TableReader(DeltaTable.qualify(
        dir.resolve("raw/orders").toString())).domain(new OffsetDomain("conn")
        .name(tps.get(0))).orElseThrow()).offset());
  }

  @Test
  void aRoutingFieldSpreadsAPartitionOverTablesAndTheGroupOffsetWaitsForTheSlowestTable() {
    // Tenant a commits every 5 rows, b only at close: the group offset must stay at b's first
    // uncommitted record, or a crash would lose b's rows.
    Map<String, String> props = props("tenants/${route}", DeltaSinkConfig.ROUTE_FIELD, "tenant",
        DeltaSinkConfig.FLUSH_SIZE, "5", DeltaSinkConfig.COMMIT_PIPELINED, "false");
    TopicPartition tp = new TopicPartition("events", 0);
    FakeContext ctx = new FakeContext(true);
    TableRouter first = router(ctx, props);
    first.open(List.of(tp));
    List<SinkRecord> records = new ArrayList<>();
    for (long o = 0; o < 23; o++) {
      String tenant = o == 4 ? "../etc" : o == 9 ? null : o % 4 == 3 ? "b" : "a";
      records.add(record("events", 0, o, tenant));
    }
    first.put(records);
    Map<TopicPartition, OffsetAndMetadata> safe = first.preCommit(
        Map.of(tp, new OffsetAndMetadata(23)));
    // Each table commits at its 5th row: what still waits is the rows after each one's last five.
    Map<String, List<Long>> waiting = new HashMap<>();
    for (long o = 0; o < 23; o++) {
      if (o == 4 || o == 9) {
        continue; // DLQ
      }
      List<Long> rows = waiting.computeIfAbsent(o % 4 == 3 ? "b" : "a", t -> new ArrayList<>());
      rows.add(o);
      if (rows.size() == 5) {
        rows.clear();
      }
    }
    long expected = waiting.values().stream().filter(l -> !l.isEmpty()).mapToLong(l -> l.get(0))
        .min().orElse(23);
    assertTrue(expected < 23, "some rows wait");
    assertEquals(expected, safe.get(tp).offset(), "the group offset stops at the first waiting row");
    first.stop(); // crash without committing what is buffered

    // The next task resumes from the group's offset; each table skips what it holds.
    FakeContext ctx2 = new FakeContext(true);
    TableRouter second = router(ctx2, props);
    second.open(List.of(tp));
    assertEquals(Map.of(), ctx2.offsets, "no rewind from any one table: the group decides");
    second.put(records.subList((int) safe.get(tp).offset(), records.size()));
    second.close(List.of(tp));
    second.stop();

    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    for (long o = 0; o < 23; o++) {
      if (o == 4 || o == 9) {
        continue;
      }
      (o % 4 == 3 ? b : a).add("events-0-" + o);
    }
    a.sort(null);
    b.sort(null);
    assertEquals(Map.of("tenants/a", a, "tenants/b", b), tables("tenants/a", "tenants/b"));
    List<String> reasons = ctx.dlqReasons.stream().map(Throwable::getMessage).toList();
    assertEquals(2, ctx.dlq.size(), reasons.toString());
    assertTrue(reasons.get(0).contains("'../etc', which cannot name a table"), reasons.get(0));
    assertTrue(reasons.get(1).contains("tenant (delta.route.field) is missing or null"),
        reasons.get(1));
  }

  @Test
  void tablesShareTheTasksMemoryBudget() {
    Map<String, String> props = props("tenants/${route}", DeltaSinkConfig.ROUTE_FIELD, "tenant",
        DeltaSinkConfig.BUFFER_MEMORY_BYTES, "65536", DeltaSinkConfig.FLUSH_BYTES, "65536");
    TopicPartition tp = new TopicPartition("events", 0);
    TableRouter router = router(new FakeContext(true), props);
    router.open(List.of(tp));
    List<SinkRecord> records = new ArrayList<>();
    // 8 tables, each far below the budget alone, together above it.
    for (long o = 0; o < 2000; o++) {
      records.add(record("events", 0, o, "t" + (o % 8)));
    }
    long most = 0;
    for (int i = 0; i < records.size(); i += 100) {
      router.put(records.subList(i, i + 100));
      most = Math.max(most, router.heldBytes());
      assertTrue(router.heldBytes() <= 65536, "after a put: " + router.heldBytes());
    }
    assertTrue(metrics.getCommits() > 0, "the shared budget made tables commit early");
    assertTrue(most > 65536 / 8, "the tables held more together than one table's share");
    router.close(List.of(tp));
    router.stop();
    int rows = 0;
    for (List<String> ids : tables("tenants/t0", "tenants/t1", "tenants/t2", "tenants/t3",
        "tenants/t4", "tenants/t5", "tenants/t6", "tenants/t7").values()) {
      rows += ids.size();
    }
    assertEquals(2000, rows);
  }

  @Test
  void aTaskKeepsAtMostTheConfiguredTablesOpenAndWritesEachRowOnce() {
    Map<String, String> props = props("tenants/${route}", DeltaSinkConfig.ROUTE_FIELD, "tenant",
        DeltaSinkConfig.ROUTE_MAX_TABLES, "2");
    TopicPartition tp = new TopicPartition("events", 0);
    TableRouter router = router(new FakeContext(true), props);
    router.open(List.of(tp));
    List<SinkRecord> records = new ArrayList<>();
    for (long o = 0; o < 200; o++) {
      records.add(record("events", 0, o, "t" + (o / 7 % 5))); // runs of 7 over 5 tenants
    }
    for (int i = 0; i < records.size(); i += 20) {
      router.put(records.subList(i, i + 20));
      assertTrue(router.tables().size() <= 2, "open: " + router.tables());
    }
    router.close(List.of(tp));
    router.stop();
    int rows = 0;
    for (List<String> ids : tables("tenants/t0", "tenants/t1", "tenants/t2", "tenants/t3",
        "tenants/t4").values()) {
      rows += ids.size();
    }
    assertEquals(200, rows, "every row once, though tables closed and opened again");
    assertTrue(metrics.getCommits() > 5, "closing a table commits it: " + metrics.getCommits());
  }

  @Test
  void stoppingTheTaskUnregistersItsMetrics() throws Exception {
    metrics.register("routing-jmx", 3);
    var name = new javax.management.ObjectName(
        "io.github.deltaconnect:type=delta-sink-task-metrics,connector=\"routing-jmx\",task=3");
    var server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
    TableRouter router = router(new FakeContext(true), props("raw/${topic}"));
    router.open(List.of(new TopicPartition("a", 0)));
    router.put(List.of(record("a", 0, 0, null)));
    assertTrue(server.isRegistered(name));
    router.stop();
    assertTrue(!server.isRegistered(name), "unregistered when the task stops");
  }

  @Test
  void routedLocationsAreCheckedAtValidate() {
    DeltaSinkConnector connector = new DeltaSinkConnector();
    Map<String, String> p = props("t/${route}");
    assertTrue(errors(connector, p).get(DeltaSinkConfig.TABLE_LOCATION).get(0)
        .contains(DeltaSinkConfig.ROUTE_FIELD));
    p = props("t/${table}");
    assertTrue(errors(connector, p).get(DeltaSinkConfig.TABLE_LOCATION).get(0)
        .contains("unknown placeholder ${table}"));
    p = props("t/x", DeltaSinkConfig.ROUTE_FIELD, "tenant");
    assertTrue(errors(connector, p).get(DeltaSinkConfig.ROUTE_FIELD).get(0)
        .contains("${route}"));
    p = props("t/${topic}", DeltaSinkConfig.GATES_QUARANTINE_LOCATION, "/q/one");
    assertTrue(errors(connector, p).get(DeltaSinkConfig.GATES_QUARANTINE_LOCATION).get(0)
        .contains("same placeholders"));
    assertEquals(Map.of(), errors(connector, props("t/${topic}/${route}",
        DeltaSinkConfig.ROUTE_FIELD, "tenant")));
  }

  static Map<String, List<String>> errors(DeltaSinkConnector connector, Map<String, String> p) {
    Map<String, List<String>> out = new HashMap<>();
    connector.validate(p).configValues().forEach(v -> {
      if (!v.errorMessages().isEmpty()) {
        out.put(v.name(), v.errorMessages());
      }
    });
    return out;
  }
}
