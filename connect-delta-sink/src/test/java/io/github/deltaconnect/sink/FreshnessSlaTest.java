package io.github.deltaconnect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.metrics.SinkMetrics;
import io.github.deltaconnect.sink.testing.FakeContext;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** delta.sla.freshness: alerts while records wait past the SLA, clears when fresh, idle is fine. */
class FreshnessSlaTest {
  static final long MIN = 60_000;
  static final Schema ROW = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).build();

  @TempDir
  Path dir;
  final AtomicLong clock = new AtomicLong(1_000_000_000L);
  final SinkMetrics metrics = new SinkMetrics();
  final TopicPartition tp = new TopicPartition("t", 0);

  TableSink sink() {
    Map<String, String> p = new HashMap<>();
    p.put(DeltaSinkConfig.TABLE_LOCATION, dir.resolve("table").toString());
    p.put(DeltaSinkConfig.FLUSH_SIZE, "1000000");
    p.put(DeltaSinkConfig.FLUSH_INTERVAL_MS, Long.toString(24 * 60 * MIN));
    p.put(DeltaSinkConfig.SLA_FRESHNESS, "10m");
    p.put(DeltaSinkConfig.COMMIT_PIPELINED, "false");
    DeltaSinkConfig config = new DeltaSinkConfig(p);
    metrics.clock(clock::get);
    return new TableSink(config, new FakeContext(true), DeltaTable.open(config), "c", 0, metrics,
        clock::get);
  }

  SinkRecord record(long offset, long eventMs) {
    return new SinkRecord("t", 0, null, null, ROW, new Struct(ROW).put("id", "r" + offset),
        offset, eventMs, TimestampType.CREATE_TIME);
  }

  void at(long ms, TableSink sink) {
    clock.set(ms);
    sink.tick();
  }

  @Test
  void recordsWaitingLongerThanTheSlaRaiseAnAlertThatClearsOnceCommitted() {
    TableSink sink = sink();
    long t0 = clock.get();
    sink.open(List.of(tp));
    sink.put(List.of(record(0, t0)));
    at(t0 + 5 * MIN, sink);
    assertEquals(0, metrics.getFreshnessSlaBreachedTables(), "waiting 5 of 10 minutes");
    at(t0 + 11 * MIN, sink);
    assertEquals(1, metrics.getFreshnessSlaBreachedTables(), "waiting 11 minutes");
    assertEquals(1, metrics.getFreshnessSlaBreaches());
    assertEquals(-1, metrics.getFreshnessMs(), "nothing committed yet");

    sink.close(List.of(tp)); // commits
    at(t0 + 12 * MIN, sink);
    assertEquals(0, metrics.getFreshnessSlaBreachedTables(), "nothing waits: cleared");
    assertEquals(12 * MIN, metrics.getFreshnessMs());

    // An idle topic: hours pass with nothing to commit, and no alert.
    at(t0 + 5 * 60 * MIN, sink);
    assertEquals(0, metrics.getFreshnessSlaBreachedTables());
    assertEquals(1, metrics.getFreshnessSlaBreaches());
    sink.stop();
  }

  @Test
  void newRecordsBehindCommittedDataOlderThanTheSlaAlertAtOnce() {
    TableSink sink = sink();
    long t0 = clock.get();
    sink.open(List.of(tp));
    sink.put(List.of(record(0, t0 - 60 * MIN))); // an hour-old event (a backlog)
    sink.close(List.of(tp));
    sink.open(List.of(tp));
    sink.put(List.of(record(1, t0)));
    at(t0 + MIN, sink);
    assertEquals(1, metrics.getFreshnessSlaBreachedTables(),
        "the newest committed event is 61 minutes old while a record waits");
    assertTrue(metrics.getFreshnessMs() >= 61 * MIN);
    sink.close(List.of(tp));
    at(t0 + 2 * MIN, sink);
    assertEquals(0, metrics.getFreshnessSlaBreachedTables(), "caught up: cleared");
    assertEquals(2 * MIN, metrics.getFreshnessMs());
    sink.stop();
  }

  @Test
  void aBadDurationFailsValidationNamingTheProperty() {
    Map<String, String> p = new HashMap<>();
    p.put(DeltaSinkConfig.TABLE_LOCATION, dir.toString());
    p.put(DeltaSinkConfig.SLA_FRESHNESS, "fifteen minutes");
    var errors = new DeltaSinkConnector().validate(p).configValues().stream()
        .filter(v -> v.name().equals(DeltaSinkConfig.SLA_FRESHNESS)).findFirst().orElseThrow()
        .errorMessages();
    assertTrue(errors.get(0).contains("duration such as 15m"), errors.toString());
    p.put(DeltaSinkConfig.SLA_FRESHNESS, "15m");
    assertEquals(15 * MIN, new DeltaSinkConfig(p).slaFreshnessMs());
  }
}
