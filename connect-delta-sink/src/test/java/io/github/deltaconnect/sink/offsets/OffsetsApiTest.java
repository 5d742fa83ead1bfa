package io.github.deltaconnect.sink.offsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.DeltaSinkConnector;
import io.github.deltaconnect.sink.TableSink;
import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.metrics.SinkMetrics;
import io.github.deltaconnect.sink.testing.FakeContext;
import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KIP-875's PATCH and DELETE of a stopped connector's offsets act on the table's offsets. */
class OffsetsApiTest {
  static final Schema ROW = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).build();

  @TempDir
  Path dir;
  final TopicPartition p0 = new TopicPartition("events", 0);
  final TopicPartition p1 = new TopicPartition("events", 1);

  Map<String, String> props(String... extra) {
    Map<String, String> p = new HashMap<>();
    p.put("name", "conn");
    p.put(DeltaSinkConfig.TABLE_LOCATION, dir.resolve("table").toString());
    p.put(DeltaSinkConfig.FLUSH_SIZE, "1000000");
    for (int i = 0; i < extra.length; i += 2) {
      p.put(extra[i], extra[i + 1]);
    }
    return p;
  }

  /** Runs a task over offsets [0, n) of both partitions, committing them. */
  void write(int n) {
    DeltaSinkConfig config = new DeltaSinkConfig(props());
    TableSink sink = new TableSink(config, new FakeContext(true), DeltaTable.open(config), "conn",
        0, new SinkMetrics(), System::currentTimeMillis);
    sink.open(List.of(p0, p1));
    List<SinkRecord> records = new ArrayList<>();
    for (int o = 0; o < n; o++) {
      for (TopicPartition tp : List.of(p0, p1)) {
        records.add(new SinkRecord(tp.topic(), tp.partition(), null, null, ROW,
            new Struct(ROW).put("id", tp + "-" + o), o));
      }
    }
    sink.put(records);
    sink.close(List.of(p0, p1));
    sink.stop();
  }

  /** Where a new task resumes each partition (what it tells Connect at open). */
  Map<TopicPartition, Long> resumePoints() {
    DeltaSinkConfig config = new DeltaSinkConfig(props());
    FakeContext ctx = new FakeContext(true);
    TableSink sink = new TableSink(config, ctx, DeltaTable.open(config), "conn", 0,
        new SinkMetrics(), System::currentTimeMillis);
    sink.open(List.of(p0, p1));
    sink.stop();
    return ctx.offsets;
  }

  @Test
  void patchingOffsetsMakesTheTaskResumeThereAndDeletingThemLeavesItToTheGroup()
      throws Exception {
    write(100);
    assertEquals(Map.of(p0, 100L, p1, 100L), resumePoints());

    Map<TopicPartition, Long> patch = new HashMap<>();
    patch.put(p0, 40L);
    assertTrue(new DeltaSinkConnector().alterOffsets(props(), patch));
    assertEquals(Map.of(p0, 40L, p1, 100L), resumePoints(), "only the patched partition moves");
    long version = new TableReader(DeltaTable.qualify(dir.resolve("table").toString()))
        .snapshot().getVersion();
    String log = Files.readString(dir.resolve("table/_delta_log")
        .resolve(String.format("%020d.json", version)));
    assertTrue(log.contains("SET KAFKA OFFSETS") && log.contains("kafkaOffset.events-0"), log);

    Map<TopicPartition, Long> reset = new HashMap<>();
    reset.put(p0, null);
    reset.put(p1, null);
    assertTrue(new DeltaSinkConnector().alterOffsets(props(), reset));
    assertEquals(Map.of(), resumePoints(), "no stored offsets: the group's (reset) offsets decide");
    assertEquals(200, new TableReader(DeltaTable.qualify(dir.resolve("table").toString())).rows()
        .size(), "rows stay; a replay appends again");
  }

  @Test
  void aConnectorWithoutATableYetAcceptsTheChangeAndCreatesNothing() {
    Map<TopicPartition, Long> patch = new HashMap<>();
    patch.put(p0, 5L);
    assertTrue(new DeltaSinkConnector().alterOffsets(props(), patch));
    assertTrue(!Files.exists(dir.resolve("table")), "nothing created");
  }

  static final Schema TENANT_ROW = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA)
      .field("tenant", Schema.STRING_SCHEMA).build();

  @Test
  void routedByAFieldEveryTableThatHoldsThePartitionFollowsAndNoOtherIsTouched() throws Exception {
    String[] routed = {DeltaSinkConfig.TABLE_LOCATION, dir.resolve("by/${route}").toString(),
        DeltaSinkConfig.ROUTE_FIELD, "tenant"};
    DeltaSinkConfig config = new DeltaSinkConfig(props(routed));
    io.github.deltaconnect.sink.route.TableRouter router =
        new io.github.deltaconnect.sink.route.TableRouter(config, new FakeContext(true),
            DeltaTable.open(config, dir.resolve("by").toString()), "conn", 0, new SinkMetrics(),
            System::currentTimeMillis);
    router.open(List.of(p0, p1));
    List<SinkRecord> records = new ArrayList<>();
    for (int o = 0; o < 100; o++) {
      // p0 goes to tenants a and b, p1 only to c.
      records.add(new SinkRecord("events", 0, null, null, TENANT_ROW,
          new Struct(TENANT_ROW).put("id", "0-" + o).put("tenant", o % 2 == 0 ? "a" : "b"), o));
      records.add(new SinkRecord("events", 1, null, null, TENANT_ROW,
          new Struct(TENANT_ROW).put("id", "1-" + o).put("tenant", "c"), o));
    }
    router.put(records);
    router.close(List.of(p0, p1));
    router.stop();
    Files.createDirectories(dir.resolve("by/not-a-table")); // no _delta_log: not listed
    Files.writeString(dir.resolve("by/stray-file"), "x");

    Map<TopicPartition, Long> patch = new HashMap<>();
    patch.put(p0, 40L);
    patch.put(p1, 70L);
    assertTrue(new DeltaSinkConnector().alterOffsets(props(routed), patch));
    OffsetDomain domain = new OffsetDomain("conn");
    for (String tenant : List.of("a", "b")) {
      TableReader t = new TableReader(DeltaTable.qualify(dir.resolve("by/" + tenant).toString()));
      assertEquals(39, OffsetDomain.decode(t.domain(domain.name(p0)).orElseThrow()).offset(),
          tenant);
      assertTrue(t.domain(domain.name(p1)).isEmpty(), tenant + " never held p1: none added");
    }
    TableReader c = new TableReader(DeltaTable.qualify(dir.resolve("by/c").toString()));
    assertEquals(69, OffsetDomain.decode(c.domain(domain.name(p1)).orElseThrow()).offset());
    assertTrue(c.domain(domain.name(p0)).isEmpty());
    assertTrue(!Files.exists(dir.resolve("by/not-a-table/_delta_log")));
  }
}
