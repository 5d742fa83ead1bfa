package io.github.deltaconnect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.metrics.SinkMetrics;
import io.github.deltaconnect.sink.testing.FakeContext;
import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaEvolutionTest {
  static final String TOPIC = "events";
  static final Schema DEVICE_V1 = SchemaBuilder.struct().name("Device")
      .field("model", Schema.STRING_SCHEMA).optional().build();
  static final Schema DEVICE_V2 = SchemaBuilder.struct().name("Device")
      .field("model", Schema.STRING_SCHEMA).field("os", Schema.OPTIONAL_STRING_SCHEMA).optional().build();
  static final Schema V1 = SchemaBuilder.struct().name("Event")
      .field("event_id", Schema.STRING_SCHEMA)
      .field("region", Schema.OPTIONAL_STRING_SCHEMA)
      .field("event_ts", Timestamp.SCHEMA)
      .field("device", DEVICE_V1)
      .build();
  /** V1 plus an optional top-level field and a field inside the nested struct. */
  static final Schema V2 = SchemaBuilder.struct().name("Event")
      .field("event_id", Schema.STRING_SCHEMA)
      .field("region", Schema.OPTIONAL_STRING_SCHEMA)
      .field("event_ts", Timestamp.SCHEMA)
      .field("device", DEVICE_V2)
      .field("channel", Schema.OPTIONAL_STRING_SCHEMA)
      .build();
  /** region changed type: Delta cannot express that as an evolution. */
  static final Schema BAD = SchemaBuilder.struct().name("Event")
      .field("event_id", Schema.STRING_SCHEMA)
      .field("region", Schema.INT32_SCHEMA)
      .field("event_ts", Timestamp.SCHEMA)
      .build();

  @TempDir
  Path dir;
  final SinkMetrics metrics = new SinkMetrics();

  Map<String, String> props(String evolution) {
    Map<String, String> p = new HashMap<>();
    p.put(DeltaSinkConfig.TABLE_LOCATION, dir.resolve("table").toString());
    p.put(DeltaSinkConfig.PARTITION_FIELDS, "partition_date,region");
    p.put(DeltaSinkConfig.PARTITION_DERIVED, "partition_date=date(event_ts)");
    p.put(DeltaSinkConfig.SCHEMA_EVOLUTION, evolution);
    return p;
  }

  TableSink sink(FakeContext ctx, Map<String, String> props, int task) {
    DeltaSinkConfig config = new DeltaSinkConfig(props);
    return new TableSink(config, ctx, DeltaTable.open(config), "conn", task, metrics,
        System::currentTimeMillis);
  }

  static SinkRecord v1(int partition, long offset) {
    Struct v = new Struct(V1).put("event_id", "e-" + partition + "-" + offset).put("region", "eu")
        .put("event_ts", new java.util.Date(1_764_000_000_000L + offset))
        .put("device", new Struct(DEVICE_V1).put("model", "m" + offset));
    return new SinkRecord(TOPIC, partition, null, null, V1, v, offset);
  }

  static SinkRecord v2(int partition, long offset) {
    Struct v = new Struct(V2).put("event_id", "e-" + partition + "-" + offset).put("region", "us")
        .put("event_ts", new java.util.Date(1_764_000_000_000L + offset))
        .put("device", new Struct(DEVICE_V2).put("model", "m" + offset).put("os", "os" + offset))
        .put("channel", "c" + offset);
    return new SinkRecord(TOPIC, partition, null, null, V2, v, offset);
  }

  List<Map<String, Object>> rowsById() {
    List<Map<String, Object>> rows = new ArrayList<>(
        new TableReader(DeltaTable.qualify(dir.resolve("table").toString())).rows());
    rows.sort((a, b) -> ((String) a.get("event_id")).compareTo((String) b.get("event_id")));
    return rows;
  }

  @Test
  void newFieldsBecomeNullableColumnsMidStreamAndOldRowsReadNull() {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    TableSink sink = sink(new FakeContext(true), props("add-columns"), 0);
    sink.open(List.of(p0));
    sink.put(List.of(v1(0, 0), v1(0, 1)));
    sink.put(List.of(v2(0, 2), v1(0, 3), v2(0, 4))); // old-shape records still fit after evolution
    sink.close(List.of(p0));

    List<Map<String, Object>> rows = rowsById();
    assertEquals(5, rows.size());
    assertNull(rows.get(0).get("channel"));
    assertEquals(Map.of("model", "m0"), withoutNulls(rows.get(0).get("device")));
    assertEquals("c2", rows.get(2).get("channel"));
    assertEquals(Map.of("model", "m2", "os", "os2"), rows.get(2).get("device"));
    assertNull(rows.get(3).get("channel"));
    assertEquals("c4", rows.get(4).get("channel"));
    var snapshot = new TableReader(DeltaTable.qualify(dir.resolve("table").toString())).snapshot();
    assertEquals("name", snapshot.getTableProperties().get("delta.columnMapping.mode"));
    assertTrue(snapshot.getSchema().indexOf("channel") >= 0);
  }

  @Test
  void aTableCreatedWithoutColumnMappingIsUpgradedAtTheFirstChange() {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    TableSink strict = sink(new FakeContext(true), props("none"), 0);
    strict.open(List.of(p0));
    strict.put(List.of(v1(0, 0), v1(0, 1)));
    strict.close(List.of(p0));

    TableSink evolving = sink(new FakeContext(true), props("add-columns"), 0);
    evolving.open(List.of(p0));
    evolving.put(List.of(v2(0, 2)));
    evolving.close(List.of(p0));

    List<Map<String, Object>> rows = rowsById();
    assertEquals(3, rows.size());
    assertNull(rows.get(0).get("channel"));
    assertEquals("m0", ((Map<?, ?>) rows.get(0).get("device")).get("model"));
    assertEquals("c2", rows.get(2).get("channel"));
  }

  @Test
  void withEvolutionOffNewFieldsGoToTheDlqNamingTheField() {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    FakeContext ctx = new FakeContext(true);
    TableSink sink = sink(ctx, props("none"), 0);
    sink.open(List.of(p0));
    sink.put(List.of(v1(0, 0), v2(0, 1)));
    sink.close(List.of(p0));
    assertEquals(1, ctx.dlq.size());
    assertTrue(ctx.dlqReasons.get(0).getMessage().contains("'channel'"),
        ctx.dlqReasons.get(0).getMessage());
  }

  @Test
  void typeChangesAreNotEvolutionAndGoToTheDlq() {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    FakeContext ctx = new FakeContext(true);
    TableSink sink = sink(ctx, props("add-columns"), 0);
    sink.open(List.of(p0));
    Struct bad = new Struct(BAD).put("event_id", "x").put("region", 5)
        .put("event_ts", new java.util.Date(0));
    sink.put(List.of(v1(0, 0), new SinkRecord(TOPIC, 0, null, null, BAD, bad, 1), v1(0, 2)));
    sink.close(List.of(p0));
    assertEquals(1, ctx.dlq.size());
    assertTrue(ctx.dlqReasons.get(0).getMessage().contains("'region'"));
    assertEquals(2, rowsById().size());
  }

  @Test
  void aTaskWithTheOldSchemaKeepsCommittingAfterAnotherTaskAddedColumns() {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    TopicPartition p1 = new TopicPartition(TOPIC, 1);
    TableSink a = sink(new FakeContext(true), props("add-columns"), 0);
    TableSink b = sink(new FakeContext(true), props("add-columns"), 1);
    a.open(List.of(p0));
    b.open(List.of(p1));
    a.put(List.of(v1(0, 0)));
    a.close(List.of(p0)); // creates the table
    b.put(List.of(v1(1, 0), v1(1, 1))); // b converts with the v1 schema
    a.open(List.of(p0));
    a.put(List.of(v2(0, 1))); // a adds device.os and channel
    a.close(List.of(p0));
    b.close(List.of(p1)); // b's rows lack the new columns: still a valid commit
    b.open(List.of(p1));
    b.put(List.of(v2(1, 2))); // b picked up the new schema from its commit
    b.close(List.of(p1));

    List<Map<String, Object>> rows = rowsById();
    assertEquals(List.of("e-0-0", "e-0-1", "e-1-0", "e-1-1", "e-1-2"),
        rows.stream().map(r -> r.get("event_id")).toList());
    assertNull(rows.get(3).get("channel"));
    assertEquals("c2", rows.get(4).get("channel"));
  }

  static Object withoutNulls(Object struct) {
    Map<Object, Object> m = new HashMap<>((Map<?, ?>) struct);
    m.values().removeIf(v -> v == null);
    return m;
  }
}
