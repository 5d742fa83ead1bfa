package io.github.deltaconnect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.metrics.SinkMetrics;
import io.github.deltaconnect.sink.offsets.OffsetDomain;
import io.github.deltaconnect.sink.offsets.OffsetRewrite;
import io.github.deltaconnect.sink.route.TableRouter;
import io.github.deltaconnect.sink.testing.FakeContext;
import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * delta.replay.mode=replace: after a PATCH of the offsets, the replay's commits take out the rows
 * an earlier run wrote from the offsets they cover and add the replayed ones, so every version
 * holds each record at most once and the last holds it once, with the new logic.
 */
class ReplaceReplayTest {
  static final Schema ROW = SchemaBuilder.struct().name("Row")
      .field("id", Schema.STRING_SCHEMA)
      .field("logic", Schema.STRING_SCHEMA).build();
  static final TopicPartition P0 = new TopicPartition("events", 0);
  static final TopicPartition P1 = new TopicPartition("events", 1);

  @TempDir
  Path dir;
  final AtomicLong clock = new AtomicLong(1_000_000);

  Map<String, String> props(String... extra) {
    Map<String, String> p = new HashMap<>();
    p.put(DeltaSinkConfig.TABLE_LOCATION, dir.resolve("table").toString());
    p.put(DeltaSinkConfig.FLUSH_SIZE, "10");
    p.put(DeltaSinkConfig.METADATA_COLUMNS, "true");
    p.put(DeltaSinkConfig.REPLAY_MODE, "replace");
    p.put(DeltaSinkConfig.CONNECTOR_ID, "replay");
    for (int i = 0; i < extra.length; i += 2) {
      p.put(extra[i], extra[i + 1]);
    }
    return p;
  }

  TableRouter router(FakeContext ctx) {
    DeltaSinkConfig config = new DeltaSinkConfig(props());
    DeltaTable root = DeltaTable.open(config, dir.resolve("table").toString());
    return new TableRouter(config, ctx, root, "replay", 0, new SinkMetrics(), clock::get);
  }

  String table() {
    return DeltaTable.qualify(dir.resolve("table").toString());
  }

  static List<SinkRecord> records(TopicPartition tp, long from, long to, String logic,
      LongPredicate leftOut) {
    List<SinkRecord> out = new ArrayList<>();
    for (long o = from; o < to; o++) {
      if (!leftOut.test(o)) {
        Struct v = new Struct(ROW).put("id", tp.partition() + "-" + o).put("logic", logic);
        out.add(new SinkRecord(tp.topic(), tp.partition(), null, null, ROW, v, o));
      }
    }
    return out;
  }

  /** id → logic of one version, failing when a record is there twice. */
  Map<String, String> rows(long version) {
    Map<String, String> out = new TreeMap<>();
    TableReader reader = new TableReader(table());
    for (Map<String, Object> row : version < 0 ? reader.rows() : reader.rows(version)) {
      String id = row.get("_kafka_partition") + "-" + row.get("_kafka_offset");
      assertEquals(id, row.get("id"), "lineage columns match the record");
      assertFalse(out.containsKey(id), "version " + version + " holds " + id + " twice");
      out.put(id, (String) row.get("logic"));
    }
    return out;
  }

  @Test
  void aReplayReplacesTheRowsOfItsOffsetsAtEveryVersionThroughACrashAndWithLeftOutRecords() {
    // Run 1: offsets 0..99 of two partitions with the old logic.
    FakeContext ctx = new FakeContext(true);
    TableRouter first = router(ctx);
    first.open(List.of(P0, P1));
    List<SinkRecord> all = new ArrayList<>(records(P0, 0, 100, "v1", o -> false));
    all.addAll(records(P1, 0, 100, "v1", o -> false));
    first.put(all);
    first.close(List.of(P0, P1));
    first.stop();
    long before = new TableReader(table()).snapshot().getVersion();

    // The connector is stopped; PATCH moves partition 0 back to 40, partition 1 to 70.
    try (DeltaTable table = DeltaTable.open(new DeltaSinkConfig(props()), dir.resolve("table")
        .toString())) {
      OffsetRewrite.apply(table, new OffsetDomain("replay"), Map.of(P0, 40L, P1, 70L), true);
    }
    String domain = new TableReader(table()).domain(new OffsetDomain("replay").name(P0))
        .orElseThrow();
    assertTrue(domain.contains("\"offset\":39") && domain.contains("\"replaceUntil\":99"), domain);

    // Run 2, with a rule that now leaves out every 7th record: p0 gets 40..69, then the task dies
    // with 60..69 only buffered.
    LongPredicate newRule = o -> o % 7 == 0;
    FakeContext ctx2 = new FakeContext(true);
    TableRouter second = router(ctx2);
    second.open(List.of(P0, P1));
    assertEquals(Map.of(P0, 40L, P1, 70L), ctx2.offsets, "resumes where the PATCH said");
    second.put(records(P0, 40, 65, "v2", newRule));
    second.put(records(P0, 65, 70, "v2", newRule));
    second.stop(); // a crash: what was not committed is read again

    // Run 3 resumes after what the table holds and finishes; the last records of partition 0
    // (95..99) are all left out by the rule: only Connect's consumed offsets say they were read.
    FakeContext ctx3 = new FakeContext(true);
    TableRouter third = router(ctx3);
    third.open(List.of(P0, P1));
    long resumeP0 = ctx3.offsets.get(P0);
    assertTrue(resumeP0 > 40 && resumeP0 <= 70, "resumes after the committed part: " + resumeP0);
    LongPredicate tailToo = o -> newRule.test(o) || o >= 95;
    third.put(records(P0, resumeP0, 100, "v2", tailToo));
    third.put(records(P1, 70, 100, "v2", newRule));
    third.preCommit(Map.of(P0, new OffsetAndMetadata(100), P1, new OffsetAndMetadata(100)));
    third.close(List.of(P0, P1));

    // Every version since the PATCH holds each record at most once.
    long last = new TableReader(table()).snapshot().getVersion();
    assertTrue(last > before + 5, "the replay committed in several batches");
    for (long v = before; v <= last; v++) {
      rows(v);
    }
    // The last holds the old rows before the new offsets, the new logic after, nothing left out.
    Map<String, String> expected = new TreeMap<>();
    for (long o = 0; o < 100; o++) {
      if (o < 40) {
        expected.put("0-" + o, "v1");
      } else if (!tailToo.test(o)) {
        expected.put("0-" + o, "v2");
      }
      if (o < 70) {
        expected.put("1-" + o, "v1");
      } else if (!newRule.test(o)) {
        expected.put("1-" + o, "v2");
      }
    }
    assertEquals(expected, rows(-1));
    String after = new TableReader(table()).domain(new OffsetDomain("replay").name(P0))
        .orElseThrow();
    assertTrue(after.contains("\"offset\":99") && !after.contains("replaceUntil"), after);

    // Past the replay the task appends as usual.
    FakeContext ctx4 = new FakeContext(true);
    TableRouter fourth = router(ctx4);
    fourth.open(List.of(P0));
    assertEquals(100L, ctx4.offsets.get(P0));
    fourth.put(records(P0, 100, 110, "v2", o -> false));
    fourth.close(List.of(P0));
    fourth.stop();
    Map<String, String> end = rows(-1);
    assertEquals(expected.size() + 10, end.size());
  }

  @Test
  void theCommitNamesTheOffsetsItReplacedInTheHistory() throws Exception {
    FakeContext ctx = new FakeContext(true);
    TableRouter first = router(ctx);
    first.open(List.of(P0));
    first.put(records(P0, 0, 20, "v1", o -> false));
    first.close(List.of(P0));
    first.stop();
    try (DeltaTable table = DeltaTable.open(new DeltaSinkConfig(props()), dir.resolve("table")
        .toString())) {
      OffsetRewrite.apply(table, new OffsetDomain("replay"), Map.of(P0, 5L), true);
    }
    TableRouter second = router(new FakeContext(true));
    second.open(List.of(P0));
    second.put(records(P0, 5, 15, "v2", o -> false)); // one batch of 10: offsets 5..14
    second.close(List.of(P0)); // waits for the (pipelined) commit
    long version = new TableReader(table()).snapshot().getVersion();
    com.fasterxml.jackson.databind.JsonNode metrics =
        QualityGatesTest.commitInfo(dir, version).path("operationMetrics");
    assertEquals("events-0=5..14", metrics.path("replacedKafkaOffsets").asText(),
        metrics.toString());
    assertEquals("10", metrics.path("numReplacedRows").asText(), metrics.toString());
    // The old file also held offsets 0..4 and 15..19: copied into a file of their own.
    assertEquals("10", metrics.path("numCopiedRows").asText(), metrics.toString());
    assertEquals("20", metrics.path("numOutputRows").asText(), metrics.toString());
    second.stop();
  }

  @Test
  void deletingTheOffsetsIsRefusedInReplaceMode() {
    TableRouter first = router(new FakeContext(true));
    first.open(List.of(P0));
    first.put(records(P0, 0, 10, "v1", o -> false));
    first.close(List.of(P0));
    first.stop();
    Map<TopicPartition, Long> reset = new HashMap<>();
    reset.put(P0, null);
    try (DeltaTable table = DeltaTable.open(new DeltaSinkConfig(props()), dir.resolve("table")
        .toString())) {
      ConnectException e = assertThrows(ConnectException.class,
          () -> OffsetRewrite.apply(table, new OffsetDomain("replay"), reset, true));
      assertTrue(e.getMessage().contains("PATCH"), e.getMessage());
    }
  }

  @Test
  void replaceModeNeedsTheLineageColumnsAndAppendRows() {
    ConfigException noColumns = assertThrows(ConfigException.class,
        () -> new DeltaSinkConfig(props(DeltaSinkConfig.METADATA_COLUMNS, "false")));
    assertTrue(noColumns.getMessage().contains(DeltaSinkConfig.METADATA_COLUMNS),
        noColumns.getMessage());
    ConfigException withKey = assertThrows(ConfigException.class,
        () -> new DeltaSinkConfig(props(DeltaSinkConfig.IDEMPOTENCY_KEY, "id")));
    assertTrue(withKey.getMessage().contains(DeltaSinkConfig.IDEMPOTENCY_KEY),
        withKey.getMessage());
    ConfigException upsert = assertThrows(ConfigException.class,
        () -> new DeltaSinkConfig(props(DeltaSinkConfig.WRITE_MODE, "upsert")));
    assertTrue(upsert.getMessage().contains(DeltaSinkConfig.REPLAY_MODE), upsert.getMessage());
  }
}
