package io.github.deltaconnect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * delta.write.mode=upsert: Debezium change streams (snapshot reads, creates, updates, deletes,
 * tombstones, redeliveries, out-of-order changes) end with the table equal to the source's state,
 * read back by the independent reader.
 */
class UpsertTest {
  static final String TOPIC = "dbserver1.inventory.customers";
  static final Schema KEY = SchemaBuilder.struct().name("customers.Key")
      .field("id", Schema.INT32_SCHEMA).build();
  static final Schema ROW = SchemaBuilder.struct().name("customers.Value").optional()
      .field("id", Schema.INT32_SCHEMA)
      .field("email", Schema.OPTIONAL_STRING_SCHEMA)
      .field("region", Schema.STRING_SCHEMA)
      .field("version", Schema.INT32_SCHEMA).build();
  static final Schema SOURCE = SchemaBuilder.struct().name("postgresql.Source")
      .field("ts_ms", Schema.INT64_SCHEMA)
      .field("lsn", Schema.OPTIONAL_INT64_SCHEMA).build();
  static final Schema ENVELOPE = SchemaBuilder.struct().name("customers.Envelope")
      .field("before", ROW).field("after", ROW).field("source", SOURCE)
      .field("op", Schema.STRING_SCHEMA).build();

  @TempDir
  Path dir;
  final AtomicLong clock = new AtomicLong(1_000_000);
  final SinkMetrics metrics = new SinkMetrics();
  final TopicPartition p0 = new TopicPartition(TOPIC, 0);

  Map<String, String> props(String... extra) {
    Map<String, String> p = new HashMap<>();
    p.put(DeltaSinkConfig.TABLE_LOCATION, dir.resolve("table").toString());
    p.put(DeltaSinkConfig.PARTITION_FIELDS, "region");
    p.put(DeltaSinkConfig.FLUSH_SIZE, "1000000");
    p.put(DeltaSinkConfig.WRITE_MODE, "upsert");
    p.put(DeltaSinkConfig.UPSERT_ORDER_FIELD, "source.lsn");
    for (int i = 0; i < extra.length; i += 2) {
      p.put(extra[i], extra[i + 1]);
    }
    return p;
  }

  TableSink sink(FakeContext ctx, Map<String, String> props) {
    DeltaSinkConfig config = new DeltaSinkConfig(props);
    return new TableSink(config, ctx, DeltaTable.open(config), "conn", 0, metrics, clock::get);
  }

  /** One source row version. */
  record Customer(int id, String email, String region, int version) {
    Struct struct() {
      return new Struct(ROW).put("id", id).put("email", email).put("region", region)
          .put("version", version);
    }
  }

  /** A change as Debezium emits it: op, images, lsn; a tombstone when op is null. */
  record Change(String op, Customer before, Customer after, long lsn, int id) {
    SinkRecord record(long offset) {
      Struct key = new Struct(KEY).put("id", id);
      if (op == null) {
        return new SinkRecord(TOPIC, 0, KEY, key, null, null, offset);
      }
      Struct v = new Struct(ENVELOPE).put("op", op)
          .put("before", before == null ? null : before.struct())
          .put("after", after == null ? null : after.struct())
          .put("source", new Struct(SOURCE).put("ts_ms", 1_000L + lsn).put("lsn", lsn));
      return new SinkRecord(TOPIC, 0, KEY, key, ENVELOPE, v, offset);
    }
  }

  TableReader reader() {
    return new TableReader(DeltaTable.qualify(dir.resolve("table").toString()));
  }

  /** id → (email, region, version) of the table, failing on a second row of any id. */
  Map<Integer, List<Object>> table() {
    Map<Integer, List<Object>> out = new TreeMap<>();
    for (Map<String, Object> row : reader().rows()) {
      List<Object> before = out.put((Integer) row.get("id"),
          java.util.Arrays.asList(row.get("email"), row.get("region"), row.get("version")));
      assertNull(before, "two rows with id " + row.get("id"));
    }
    return out;
  }

  static Map<Integer, List<Object>> state(Map<Integer, Customer> source) {
    Map<Integer, List<Object>> out = new TreeMap<>();
    source.forEach((id, c) -> out.put(id, List.of(c.email(), c.region(), c.version())));
    return out;
  }

  /** Delivers {@code batches} one commit each (close/open), offsets in delivery order. */
  void deliver(TableSink sink, List<List<SinkRecord>> batches) {
    for (List<SinkRecord> batch : batches) {
      sink.open(List.of(p0));
      sink.put(batch);
      sink.close(List.of(p0));
    }
  }

  @Test
  void aRandomChangeStreamWithRedeliveriesAndReorderingEndsEqualToTheSource() throws Exception {
    Random random = new Random(7);
    String[] regions = {"eu", "us", "apac"};
    Map<Integer, Customer> source = new HashMap<>();
    List<Change> changes = new ArrayList<>();
    long lsn = 100;
    for (int id = 1; id <= 40; id++) { // the snapshot phase: all at the snapshot's lsn
      Customer c = new Customer(id, "c" + id + "@v0", regions[id % 3], 0);
      source.put(id, c);
      changes.add(new Change("r", null, c, lsn, id));
    }
    for (int i = 0; i < 400; i++) {
      int id = 1 + random.nextInt(60);
      Customer now = source.get(id);
      lsn++;
      if (now == null) {
        Customer c = new Customer(id, "c" + id + "@" + lsn, regions[random.nextInt(3)], 1);
        source.put(id, c);
        changes.add(new Change("c", null, c, lsn, id));
      } else if (id <= 45 && random.nextInt(4) == 0) { // ids above 45 are never deleted
        source.remove(id);
        changes.add(new Change("d", now, null, lsn, id));
        if (random.nextBoolean()) {
          changes.add(new Change(null, null, null, lsn, id)); // Debezium's tombstone
        }
      } else { // an update, moving to another region (table partition) now and then
        String region = random.nextInt(5) == 0 ? regions[random.nextInt(3)] : now.region();
        Customer c = new Customer(id, "c" + id + "@" + lsn, region, now.version() + 1);
        source.put(id, c);
        changes.add(new Change("u", now, c, lsn, id));
      }
    }
    // Delivery: batches of 30..80 changes; within a batch some neighbours swap (out of order);
    // after some batches the connector "restarts" and re-sends the last 25 changes; and old
    // changes come again late, of keys updated or deleted since.
    List<List<SinkRecord>> batches = new ArrayList<>();
    long offset = 0;
    int at = 0;
    int redelivered = 0;
    while (at < changes.size()) {
      int end = Math.min(changes.size(), at + 30 + random.nextInt(51));
      int from = at;
      if (!batches.isEmpty() && random.nextInt(3) == 0) {
        from = Math.max(0, at - 25);
        redelivered += at - from;
      }
      List<Change> batch = new ArrayList<>(changes.subList(from, end));
      for (int i = 0; i + 1 < batch.size(); i += 7) {
        java.util.Collections.swap(batch, i, i + 1);
      }
      for (int late = 0; late < 5 && from > 0; late++) {
        Change old = changes.get(random.nextInt(from));
        if (old.op() != null && !old.op().equals("d")) { // deleted keys too: deletes are remembered
          batch.add(random.nextInt(batch.size() + 1), old);
          redelivered++;
        }
      }
      List<SinkRecord> records = new ArrayList<>();
      for (Change c : batch) {
        records.add(c.record(offset++));
      }
      batches.add(records);
      at = end;
    }
    assertTrue(redelivered > 0, "the stream re-sends changes");

    FakeContext ctx = new FakeContext(true);
    // Small reader batches: a rewritten file is read in several chunks and written as one.
    TableSink sink = sink(ctx, props("hadoop.delta.kernel.default.parquet.reader.batch-size", "7"));
    deliver(sink, batches.subList(0, batches.size() / 2));
    sink.stop();
    // A restart half way: the second task reads the table's offsets and rows back.
    TableSink second = sink(ctx, props("hadoop.delta.kernel.default.parquet.reader.batch-size",
        "7"));
    deliver(second, batches.subList(batches.size() / 2, batches.size()));
    second.stop();

    assertEquals(state(source), table());
    assertEquals(List.of(), ctx.dlq, "every change applies");
    assertTrue(metrics.getDuplicatesDroppedInTable() > 0, "late changes were older than rows");
    long copied = 0;
    long removed = 0;
    for (long v = 1; v <= reader().snapshot().getVersion(); v++) {
      JsonNode m = QualityGatesTest.commitInfo(dir, v).path("operationMetrics");
      copied += m.path("numTargetRowsCopied").asLong();
      removed += m.path("numTargetFilesRemoved").asLong();
    }
    assertTrue(copied > 7 && removed > 0, "files were rewritten, read in chunks: " + copied);
    assertEquals(offset - 1, OffsetsOf.stored(reader(), "conn", p0));
    assertTrue(reader().dataFiles().size() <= 3 * batches.size(), "rewrites replace files");
  }

  @Test
  void aChangeOlderThanTheTablesRowIsLeftOutAndCounted() throws Exception {
    FakeContext ctx = new FakeContext(true);
    TableSink sink = sink(ctx, props());
    Customer v1 = new Customer(1, "a@1", "eu", 1);
    Customer v2 = new Customer(1, "a@2", "eu", 2);
    Customer other = new Customer(2, "b@1", "us", 1);
    deliver(sink, List.of(
        List.of(new Change("c", null, v1, 10, 1).record(0), new Change("c", null, other, 11, 2)
            .record(1)),
        List.of(new Change("u", v1, v2, 20, 1).record(2)),
        // Redelivered late: the create of lsn 10 and the update's older twin, after lsn 20.
        List.of(new Change("c", null, v1, 10, 1).record(3),
            new Change("u", v1, new Customer(1, "a@stale", "us", 9), 15, 1).record(4))));
    sink.stop();

    assertEquals(Map.of(1, List.of("a@2", "eu", 2), 2, List.of("b@1", "us", 1)), table());
    JsonNode last = QualityGatesTest.commitInfo(dir, reader().snapshot().getVersion())
        .path("operationMetrics");
    // In the batch, lsn 15 replaced lsn 10; against the table, lsn 15 < 20 is stale.
    assertEquals("1", last.path("numStaleChanges").asText(), last.toString());
    assertEquals("1", last.path("numSupersededChanges").asText(), last.toString());
    assertEquals("0", last.path("numTargetFilesRemoved").asText(), last.toString());
    assertEquals(1, metrics.getDuplicatesDroppedInTable());
    // The ordering value is kept per row, for the next batch to compare with.
    assertEquals(20L, reader().rows().stream().filter(r -> r.get("id").equals(1)).findFirst()
        .orElseThrow().get("_change_order"));
  }

  @Test
  void twoTasksUpsertingTheSameNewKeyAtOnceLeaveOneRowTheNewerChange() {
    // Task 1 creates the table, then commits key 5 (lsn 40) while task 0's commit of key 5 (lsn
    // 30) is in flight: Kernel alone would commit both inserts; the upsert domain makes task 0
    // re-read and find its change older than the row.
    FakeContext ctx1 = new FakeContext(true);
    TopicPartition p1 = new TopicPartition(TOPIC, 1);
    TableSink task1 = sink(ctx1, props());
    task1.open(List.of(p1));
    task1.put(List.of(onPartition(1, new Change("c", null, new Customer(9, "seed", "eu", 1), 10,
        9).record(0))));
    task1.close(List.of(p1));
    Runnable race = () -> {
      task1.open(List.of(p1));
      task1.put(List.of(onPartition(1, new Change("c", null, new Customer(5, "task1", "us", 1), 40,
          5).record(1))));
      task1.close(List.of(p1));
    };
    DeltaSinkConfig config = new DeltaSinkConfig(props());
    TableSink task0 = new TableSink(config, new FakeContext(true),
        new io.github.deltaconnect.sink.testing.RacingTable(DeltaTable.open(config), race), "conn",
        0, metrics, clock::get);
    deliver(task0, List.of(List.of(
        new Change("c", null, new Customer(5, "task0", "eu", 1), 30, 5).record(0),
        new Change("u", null, new Customer(9, "seed-2", "eu", 2), 31, 9).record(1))));
    task0.stop();
    task1.stop();

    assertEquals(Map.of(5, List.of("task1", "us", 1), 9, List.of("seed-2", "eu", 2)), table());
    assertEquals(2, reader().snapshot().getVersion(), "seed, task 1, task 0 after a retry");
    assertEquals(1, metrics.getDuplicatesDroppedInTable(), "task 0's key 5 was older");
    // The files task 0 wrote before the conflict (its insert, the rewrite of key 9's file) went.
    assertEquals(List.of(), reader().strayFiles());
    assertEquals(1, reader().orphanFiles().size(), "the seed's file, removed by version 2");
  }

  static SinkRecord onPartition(int partition, SinkRecord r) {
    return new SinkRecord(r.topic(), partition, r.keySchema(), r.key(), r.valueSchema(), r.value(),
        r.kafkaOffset());
  }

  @Test
  void aLateChangeOlderThanTheKeysDeleteDoesNotBringTheRowBackEvenAfterARestart() {
    Customer v1 = new Customer(1, "a@1", "eu", 1);
    Customer v2 = new Customer(1, "a@2", "eu", 2);
    Customer v3 = new Customer(1, "a@3", "us", 3);
    Customer other = new Customer(2, "b@1", "eu", 1);
    FakeContext ctx = new FakeContext(true);
    TableSink first = sink(ctx, props());
    deliver(first, List.of(
        List.of(new Change("c", null, v1, 10, 1).record(0),
            new Change("c", null, other, 11, 2).record(1)),
        List.of(new Change("d", v1, null, 20, 1).record(2), tombstone(1, 3))));
    first.stop();
    assertEquals(Map.of(2, List.of("b@1", "eu", 1)), table());
    // The delete's order is in the table's metadata, with a file under _sink_keys/.
    assertTrue(reader().domain(io.github.deltaconnect.sink.cdc.Upserts.DELETES_DOMAIN)
        .orElseThrow().contains("_sink_keys/deletes/"));

    TableSink second = sink(ctx, props());
    deliver(second, List.of(
        List.of(new Change("u", v1, v2, 15, 1).record(4)), // late: older than the delete
        List.of(new Change("c", null, v3, 30, 1).record(5)))); // a new insert: newer, applies
    second.stop();
    assertEquals(Map.of(1, List.of("a@3", "us", 3), 2, List.of("b@1", "eu", 1)), table());
    assertEquals(1, metrics.getDuplicatesDroppedInTable(), "the late change, left out");
    assertEquals(List.of(), ctx.dlq);
  }

  @Test
  void plainRowsAndTombstonesWithoutAnOrderingFieldApplyInDeliveryOrder() {
    FakeContext ctx = new FakeContext(true);
    TableSink sink = sink(ctx, props(DeltaSinkConfig.UPSERT_ORDER_FIELD, "",
        DeltaSinkConfig.UPSERT_KEY, "id"));
    Customer a1 = new Customer(1, "a@1", "eu", 1);
    Customer b1 = new Customer(2, "b@1", "eu", 1);
    Customer a2 = new Customer(1, "a@2", "us", 2);
    deliver(sink, List.of(
        List.of(plain(a1, 0), plain(b1, 1), plain(a2, 2)),
        List.of(tombstone(2, 3), plain(new Customer(3, "c@1", "us", 1), 4)),
        List.of(plain(b1, 5), tombstone(3, 6), tombstone(3, 7), tombstone(42, 8))));
    sink.stop();

    assertEquals(Map.of(1, List.of("a@2", "us", 2), 2, List.of("b@1", "eu", 1)), table());
    assertTrue(reader().snapshot().getSchema().indexOf("_change_order") < 0,
        "no ordering column without an ordering field");
    assertEquals(List.of(), ctx.dlq);
  }

  static final String AVRO_ENVELOPE = "{\"type\":\"record\",\"name\":\"Envelope\","
      + "\"namespace\":\"dbserver1.inventory.customers\",\"fields\":["
      + "{\"name\":\"before\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"Value\","
      + "\"fields\":[{\"name\":\"id\",\"type\":\"int\"},"
      + "{\"name\":\"email\",\"type\":[\"null\",\"string\"],\"default\":null},"
      + "{\"name\":\"region\",\"type\":\"string\"},{\"name\":\"version\",\"type\":\"int\"}]}],"
      + "\"default\":null},"
      + "{\"name\":\"after\",\"type\":[\"null\",\"Value\"],\"default\":null},"
      + "{\"name\":\"source\",\"type\":{\"type\":\"record\",\"name\":\"Source\","
      + "\"namespace\":\"io.debezium.connector.postgresql\",\"fields\":["
      + "{\"name\":\"ts_ms\",\"type\":\"long\"},"
      + "{\"name\":\"lsn\",\"type\":[\"null\",\"long\"],\"default\":null}]}},"
      + "{\"name\":\"op\",\"type\":\"string\"},"
      + "{\"name\":\"ts_ms\",\"type\":[\"null\",\"long\"],\"default\":null}]}";

  @Test
  void debeziumAvroAsTheContractConverterDecodesItIsAppliedWithoutTransforms() {
    // The contract converter turns Avro datums into Connect values with AvroData; the envelope
    // arrives as the same structs Debezium's Avro converter would give.
    org.apache.avro.Schema envelope = new org.apache.avro.Schema.Parser().parse(AVRO_ENVELOPE);
    org.apache.avro.Schema value = envelope.getField("after").schema().getTypes().get(1);
    var toConnect = io.github.deltaconnect.avro.AvroData.toConnect(envelope);
    java.util.function.BiFunction<Customer, Long, org.apache.avro.generic.GenericRecord> row =
        (c, lsn) -> {
          if (c == null) {
            return null;
          }
          org.apache.avro.generic.GenericRecord r = new org.apache.avro.generic.GenericData.Record(
              value);
          r.put("id", c.id());
          r.put("email", c.email());
          r.put("region", c.region());
          r.put("version", c.version());
          return r;
        };
    java.util.function.Function<Object[], SinkRecord> change = a -> {
      org.apache.avro.generic.GenericRecord e = new org.apache.avro.generic.GenericData.Record(
          envelope);
      long lsn = (Long) a[3];
      e.put("op", a[0]);
      e.put("before", row.apply((Customer) a[1], lsn));
      e.put("after", row.apply((Customer) a[2], lsn));
      org.apache.avro.generic.GenericRecord source = new org.apache.avro.generic.GenericData.Record(
          envelope.getField("source").schema());
      source.put("ts_ms", lsn * 10);
      source.put("lsn", lsn);
      e.put("source", source);
      int id = ((Customer) (a[2] != null ? a[2] : a[1])).id();
      return new SinkRecord(TOPIC, 0, KEY, new Struct(KEY).put("id", id),
          toConnect.schema(), toConnect.convert(e), (Long) a[4]);
    };
    Customer a1 = new Customer(1, "a@1", "eu", 1);
    Customer a2 = new Customer(1, "a@2", "us", 2);
    Customer b1 = new Customer(2, "b@1", "eu", 1);
    FakeContext ctx = new FakeContext(true);
    TableSink sink = sink(ctx, props());
    deliver(sink, List.of(
        List.of(change.apply(new Object[] {"r", null, a1, 5L, 0L}),
            change.apply(new Object[] {"c", null, b1, 6L, 1L})),
        List.of(change.apply(new Object[] {"u", a1, a2, 7L, 2L}),
            change.apply(new Object[] {"d", b1, null, 8L, 3L}),
            tombstone(2, 4))));
    sink.stop();

    assertEquals(Map.of(1, List.of("a@2", "us", 2)), table());
    assertEquals(List.of(), ctx.dlq);
  }

  @Test
  void recordsThatCannotBeAppliedGoToTheDlqWithTheReason() {
    FakeContext ctx = new FakeContext(true);
    TableSink sink = sink(ctx, props());
    Struct truncate = new Struct(ENVELOPE).put("op", "t")
        .put("source", new Struct(SOURCE).put("ts_ms", 1L).put("lsn", 5L));
    Struct noLsn = new Struct(ENVELOPE).put("op", "c")
        .put("after", new Customer(1, "x", "eu", 1).struct())
        .put("source", new Struct(SOURCE).put("ts_ms", 1L));
    deliver(sink, List.of(List.of(
        new Change("c", null, new Customer(7, "ok", "eu", 1), 3, 7).record(0),
        new SinkRecord(TOPIC, 0, KEY, new Struct(KEY).put("id", 1), ENVELOPE, truncate, 1),
        new SinkRecord(TOPIC, 0, KEY, new Struct(KEY).put("id", 1), ENVELOPE, noLsn, 2),
        new SinkRecord(TOPIC, 0, null, null, null, null, 3))));
    sink.stop();

    assertEquals(Map.of(7, List.of("ok", "eu", 1)), table());
    assertEquals(3, ctx.dlq.size());
    assertTrue(ctx.dlqReasons.get(0).getMessage().contains("op 't' is not applied"));
    assertTrue(ctx.dlqReasons.get(1).getMessage().contains("source.lsn"));
    assertTrue(ctx.dlqReasons.get(2).getMessage().contains("tombstone without a key"));
    assertEquals(3, OffsetsOf.stored(reader(), "conn", p0), "DLQ records are consumed too");
  }

  static SinkRecord plain(Customer c, long offset) {
    return new SinkRecord(TOPIC, 0, KEY, new Struct(KEY).put("id", c.id()), ROW, c.struct(),
        offset);
  }

  static SinkRecord tombstone(int id, long offset) {
    return new SinkRecord(TOPIC, 0, KEY, new Struct(KEY).put("id", id), null, null, offset);
  }

  /** The offset the table stores for a partition. */
  static final class OffsetsOf {
    static long stored(TableReader reader, String connector, TopicPartition tp) {
      return io.github.deltaconnect.sink.offsets.OffsetDomain.decode(reader.domain(
          new io.github.deltaconnect.sink.offsets.OffsetDomain(connector).name(tp)).orElseThrow())
          .offset();
    }
  }
}
