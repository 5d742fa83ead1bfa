package io.github.deltaconnect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.gate.GateState;
import io.github.deltaconnect.sink.metrics.SinkMetrics;
import io.github.deltaconnect.sink.testing.FakeContext;
import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gates at commit time, through the sink: what a breach leaves in the table, and state. */
class QualityGatesTest {
  static final TopicPartition P0 = new TopicPartition(TableSinkTest.TOPIC, 0);

  @TempDir
  Path dir;
  final AtomicLong clock = new AtomicLong(1_000_000);

  Map<String, String> props(String... extra) {
    Map<String, String> p = new HashMap<>();
    p.put(DeltaSinkConfig.TABLE_LOCATION, dir.resolve("table").toString());
    p.put(DeltaSinkConfig.FLUSH_SIZE, "30");
    p.put(DeltaSinkConfig.COMMIT_PIPELINED, "false");
    for (int i = 0; i < extra.length; i += 2) {
      p.put(extra[i], extra[i + 1]);
    }
    return p;
  }

  final SinkMetrics metrics = new SinkMetrics();

  TableSink sink(FakeContext ctx, Map<String, String> props) {
    DeltaSinkConfig config = new DeltaSinkConfig(props);
    return new TableSink(config, ctx, DeltaTable.open(config), "conn", 0, metrics, clock::get);
  }

  TableReader reader() {
    return new TableReader(DeltaTable.qualify(dir.resolve("table").toString()));
  }

  /** Runs a task from the table's offsets over {@code all}; returns what put() threw, or null. */
  RuntimeException runTask(Map<String, String> props, List<SinkRecord> all) {
    FakeContext ctx = new FakeContext(false);
    TableSink sink = sink(ctx, props);
    sink.open(List.of(P0));
    int from = (int) (long) ctx.offsets.getOrDefault(P0, 0L);
    try {
      sink.put(all.subList(from, all.size()));
      sink.close(List.of(P0));
      return null;
    } catch (RuntimeException e) {
      return e;
    } finally {
      sink.stop();
    }
  }

  @Test
  void aHaltingGateCommitsNothingNamesGateValueThresholdAndOffsetsAndReleasedRecordsLandOnce() {
    // A third of the events have a null region: above a 0.2 null-rate gate.
    List<SinkRecord> all = TableSinkTest.events(0, 0, 60);
    Map<String, String> strict = props("delta.gates", "regions",
        "delta.gate.regions.metric", "null_rate_region", "delta.gate.regions.threshold", "0.2");
    RuntimeException e = runTask(strict, all);
    assertTrue(e instanceof ConnectException, String.valueOf(e));
    String message = String.valueOf(e.getMessage()) + " / " + String.valueOf(e.getCause());
    for (String part : List.of("gate 'regions'", "null_rate_region", "halt_and_alert",
        "0.3333 of 30 rows are null, above 0.2", "events-0[0..29]")) {
      assertTrue(message.contains(part), "'" + part + "' in: " + message);
    }
    assertFalse(Files.exists(dir.resolve("table").resolve("_delta_log")),
        "nothing committed: not even the table was created");
    assertEquals(1, metrics.getGateHalts());

    // The same config halts the same batch again after a restart: the records wait in Kafka.
    assertTrue(runTask(strict, all) instanceof ConnectException);
    assertFalse(Files.exists(dir.resolve("table").resolve("_delta_log")));

    // Released by raising the threshold (PUT /connectors/<name>/config restarts the task).
    Map<String, String> released = new HashMap<>(strict);
    released.put("delta.gate.regions.threshold", "0.4");
    assertEquals(null, runTask(released, all));
    assertEquals(TableSinkTest.expectedIds(all), TableSinkTest.ids(reader().rows()),
        "every record once");
  }

  @Test
  void anAlertingGateCommitsTheBatch() {
    List<SinkRecord> all = TableSinkTest.events(0, 0, 30);
    assertEquals(null, runTask(props("delta.gates", "regions",
        "delta.gate.regions.metric", "null_rate_region", "delta.gate.regions.threshold", "0.2",
        "delta.gate.regions.action", "alert"), all));
    assertEquals(TableSinkTest.expectedIds(all), TableSinkTest.ids(reader().rows()));
    assertEquals(1, metrics.getGateAlerts());
    assertEquals(0, metrics.getGateHalts());
  }

  @Test
  void theQualityScoreCountsRowsTaggedByTheRulesTransform() {
    List<SinkRecord> all = new ArrayList<>();
    for (SinkRecord r : TableSinkTest.events(0, 0, 30)) {
      if (r.kafkaOffset() % 5 == 0) { // 6 of 30 tagged: a score of 0.8
        r.headers().addString("dq.violations", "email_shape");
      }
      all.add(r);
    }
    Map<String, String> p = props("delta.gates", "score",
        "delta.gate.score.metric", "data_quality_score", "delta.gate.score.threshold", "0.85");
    RuntimeException e = runTask(p, all);
    String message = e.getMessage() + " / " + e.getCause();
    assertTrue(message.contains("0.8000 of 30 rows carry no violation tag, below 0.85"), message);
    p.put("delta.gate.score.threshold", "0.8");
    assertEquals(null, runTask(p, all));
    assertEquals(30, reader().rows().size());
  }

  @Test
  void aQuarantinedBatchGoesWholeToTheQuarantineTableWithItsOffsetsAndIsNotRepeatedAfterARestart() {
    // Offsets 30-59 have a null region every third record; the batches before and after have none.
    List<SinkRecord> all = new ArrayList<>();
    for (long o = 0; o < 90; o++) {
      String region = o >= 30 && o < 60 && o % 3 == 0 ? null : "eu";
      all.add(TableSinkTest.event(0, o, region, TableSinkTest.DAY0 + o));
    }
    Map<String, String> p = props("delta.gates", "regions",
        "delta.gate.regions.metric", "null_rate_region", "delta.gate.regions.threshold", "0.2",
        "delta.gate.regions.action", "quarantine");
    // The first task ends after two batches (the second quarantined) without closing: a crash.
    FakeContext ctx = new FakeContext(false);
    TableSink first = sink(ctx, p);
    first.open(List.of(P0));
    first.put(all.subList(0, 60));
    first.awaitInFlightCommit();
    first.stop();
    TableReader quarantine = new TableReader(
        DeltaTable.qualify(dir.resolve("table").toString() + "_quarantine"));
    assertEquals(TableSinkTest.expectedIds(all.subList(30, 60)),
        TableSinkTest.ids(quarantine.rows()), "the whole batch, in the quarantine table");
    assertEquals(TableSinkTest.expectedIds(all.subList(0, 30)),
        TableSinkTest.ids(reader().rows()), "the main table stays clean");
    assertEquals(30, metrics.getRecordsQuarantined());

    // The next task resumes after the quarantined offsets, not the main table's.
    FakeContext again = new FakeContext(false);
    TableSink second = sink(again, p);
    second.open(List.of(P0));
    assertEquals(60L, again.offsets.get(P0));
    second.put(all.subList(60, 90));
    second.close(List.of(P0));
    second.stop();
    List<String> main = TableSinkTest.ids(reader().rows());
    List<String> held = TableSinkTest.ids(quarantine.rows());
    assertEquals(60, main.size());
    assertEquals(30, held.size());
    List<String> both = new ArrayList<>(main);
    both.addAll(held);
    assertEquals(TableSinkTest.expectedIds(all), both.stream().sorted().toList(),
        "table + quarantine == produced, none twice");
    assertEquals(List.of(), quarantine.missingFiles());
  }

  /** The commitInfo of {@code version}, read from the log file as JSON (not through Kernel). */
  com.fasterxml.jackson.databind.JsonNode commitInfo(long version) throws Exception {
    return commitInfo(dir, version);
  }

  static com.fasterxml.jackson.databind.JsonNode commitInfo(Path dir, long version)
      throws Exception {
    Path file = dir.resolve("table").resolve("_delta_log")
        .resolve(String.format("%020d.json", version));
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> lines = Files.readAllLines(file);
    assertTrue(lines.get(0).contains("\"commitInfo\""), "commitInfo stays the first action");
    for (String line : lines) {
      com.fasterxml.jackson.databind.JsonNode node = json.readTree(line);
      if (node.has("commitInfo")) {
        return node.get("commitInfo");
      }
    }
    throw new AssertionError("no commitInfo in " + file);
  }

  @Test
  void eachVersionsGateMetricsRowCountsAndKafkaOffsetsAreInItsCommitInfo() throws Exception {
    List<SinkRecord> all = TableSinkTest.events(0, 0, 60);
    assertEquals(null, runTask(props("delta.gates", "regions,volume",
        "delta.gate.regions.metric", "null_rate_region", "delta.gate.regions.threshold", "0.2",
        "delta.gate.regions.action", "alert",
        "delta.gate.volume.metric", "row_count", "delta.gate.volume.min", "1"), all));
    for (long version : List.of(0L, 1L)) {
      com.fasterxml.jackson.databind.JsonNode info = commitInfo(version);
      com.fasterxml.jackson.databind.JsonNode m = info.get("operationMetrics");
      assertEquals("30", m.get("numOutputRows").asText(), info.toString());
      assertEquals("30", m.get("gate.row_count").asText());
      assertEquals(1.0 / 3, Double.parseDouble(m.get("gate.null_rate_region").asText()), 1e-9);
      assertEquals("regions", m.get("gate.breaches").asText());
      assertTrue(Long.parseLong(m.get("numOutputBytes").asText()) > 0);
      assertTrue(m.get("batchId").asText().length() > 10);
      // Lineage: the Kafka records the version holds.
      assertEquals(TableSinkTest.TOPIC + "-0=" + (version * 30) + ".." + (version * 30 + 29),
          m.get(io.github.deltaconnect.sink.commit.BatchCommitter.SOURCE_OFFSETS).asText());
      // What Kernel wrote is untouched.
      assertTrue(info.get("engineInfo").asText().contains("kafka-connect-delta-sink"), info.toString());
      assertEquals(version == 0 ? "CREATE TABLE" : "STREAMING UPDATE",
          info.get("operation").asText());
      assertTrue(info.has("txnId") && info.has("timestamp"));
    }
    assertEquals(TableSinkTest.expectedIds(all), TableSinkTest.ids(reader().rows()),
        "Kernel still reads the table");
  }

  /** An in-process webhook receiver: records bodies; answers with {@code status}. */
  static final class Receiver implements AutoCloseable {
    final com.sun.net.httpserver.HttpServer server;
    final List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile int status = 200;
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    volatile boolean block;

    Receiver() throws java.io.IOException {
      server = com.sun.net.httpserver.HttpServer.create(
          new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/hook", exchange -> {
        bodies.add(new String(exchange.getRequestBody().readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8));
        if (block) {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
      });
      server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    @Override
    public void close() {
      release.countDown();
      server.stop(0);
    }
  }

  @Test
  void aHaltPostsASlackCompatibleAlertNamingTheGateBeforeTheTaskEnds() throws Exception {
    try (Receiver receiver = new Receiver()) {
      Map<String, String> p = props("delta.gates", "regions",
          "delta.gate.regions.metric", "null_rate_region", "delta.gate.regions.threshold", "0.2",
          "delta.gates.alert.webhook.url", receiver.url());
      FakeContext ctx = new FakeContext(false);
      TableSink sink = sink(ctx, p);
      sink.open(List.of(P0));
      assertThrows(RuntimeException.class, () -> sink.put(TableSinkTest.events(0, 0, 30)));
      sink.stop(); // waits (bounded) for the queued alert
      assertEquals(1, receiver.bodies.size(), receiver.bodies.toString());
      com.fasterxml.jackson.databind.JsonNode body =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(receiver.bodies.get(0));
      assertTrue(body.get("text").asText().startsWith("Quality gate HALT on "), body.toString());
      assertEquals("regions", body.at("/deltaconnect/breaches/0/gate").asText());
      assertEquals("null_rate_region", body.at("/deltaconnect/breaches/0/metric").asText());
      assertEquals(0.2, body.at("/deltaconnect/breaches/0/threshold").asDouble());
      assertEquals(false, body.at("/deltaconnect/committed").asBoolean());
      assertEquals("events-0[0..29]", body.at("/deltaconnect/offsets").asText());
    }
  }

  @Test
  void aStuckOrFailingReceiverNeitherHoldsCommitsNorLosesData() throws Exception {
    try (Receiver receiver = new Receiver()) {
      receiver.block = true; // holds every call until the test ends
      List<SinkRecord> all = TableSinkTest.events(0, 0, 90);
      Map<String, String> p = props("delta.gates", "regions",
          "delta.gate.regions.metric", "null_rate_region", "delta.gate.regions.threshold", "0.2",
          "delta.gate.regions.action", "alert",
          "delta.gates.alert.webhook.url", receiver.url(), "delta.gates.alert.timeout.ms", "60000");
      FakeContext ctx = new FakeContext(false);
      TableSink sink = sink(ctx, p);
      sink.open(List.of(P0));
      sink.put(all);
      sink.close(List.of(P0));
      assertEquals(TableSinkTest.expectedIds(all), TableSinkTest.ids(reader().rows()),
          "three batches committed while the receiver still held the first alert");
      assertEquals(3, metrics.getGateAlerts());
      assertTrue(receiver.bodies.size() <= 1, "one call at a time, held; the others queue");
      receiver.release.countDown();
      sink.stop();
      assertEquals(3, receiver.bodies.size(), "delivered once the receiver answered");
    }
  }

  /** Puts the 30 records of one batch so that it covers {@code ms} of the clock. */
  void batchOver(TableSink sink, List<SinkRecord> batch, long ms) {
    sink.put(batch.subList(0, batch.size() - 1));
    clock.addAndGet(ms);
    sink.put(batch.subList(batch.size() - 1, batch.size()));
  }

  @Test
  void rowCountDeltaKeepsItsTrailingRatesInTheTableAcrossARestart() {
    List<SinkRecord> all = TableSinkTest.events(0, 0, 90);
    Map<String, String> p = props("delta.gates", "volume",
        "delta.gate.volume.metric", "row_count_delta", "delta.gate.volume.threshold", "0.5",
        "delta.gate.volume.window", "2");
    FakeContext ctx = new FakeContext(false);
    TableSink first = sink(ctx, p);
    first.open(List.of(P0));
    batchOver(first, all.subList(0, 30), 1000); // 30 rows/s: warming up
    batchOver(first, all.subList(30, 60), 1000); // 30 rows/s: still warming up (1 of 2)
    first.close(List.of(P0));
    first.stop();
    GateState stored = GateState.decode(reader().domain(GateState.domain("conn", 0))
        .orElseThrow());
    assertEquals(List.of(30.0, 30.0), stored.rates());

    // A new task (a restart) reads the rates back: a burst ten times faster breaks the gate.
    FakeContext again = new FakeContext(false);
    TableSink second = sink(again, p);
    second.open(List.of(P0));
    assertEquals(60L, again.offsets.get(P0));
    RuntimeException e = assertThrows(RuntimeException.class,
        () -> batchOver(second, all.subList(60, 90), 100));
    String message = e.getMessage() + " / " + e.getCause();
    assertTrue(message.contains("300.0 rows/s against a trailing mean of 30.0 over 2 batches"),
        message);
    assertEquals(60, reader().rows().size(), "the burst was not committed");
    second.stop();
  }
}
