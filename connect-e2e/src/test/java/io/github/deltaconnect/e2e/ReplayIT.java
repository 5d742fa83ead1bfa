package io.github.deltaconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connect's offsets API (KIP-875) on a real worker: stop, PATCH the offsets, resume, and the task
 * replays from the new offset (the table's stored offsets followed); DELETE replays from the
 * start. In append mode a replay appends the records again, by design; in replace mode a replay
 * of an event-time window with changed logic leaves each event once, with the new logic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayIT {
  static final Duration TIMEOUT = Duration.ofMinutes(3);

  @TempDir
  Path tmp;
  EmbeddedConnectCluster connect;

  @BeforeAll
  void start() throws InterruptedException {
    connect = ConnectHarness.start("replay", 1);
  }

  @AfterAll
  void stop() {
    connect.stop();
  }

  /** event_id → how many rows carry it. */
  static Map<String, Long> counts(Path table) {
    return new TableReader(Tables.uri(table)).rows().stream()
        .collect(Collectors.groupingBy(r -> (String) r.get("event_id"), Collectors.counting()));
  }

  static void awaitRows(Path table, int rows) throws Exception {
    Waits.until(TIMEOUT, () -> new TableReader(Tables.uri(table)).rows().size() == rows
        ? Boolean.TRUE : null, "the table never held " + rows + " rows");
  }

  @Test
  void patchReplaysFromTheNewOffsetAndDeleteFromTheStart() throws Exception {
    String topic = "replay";
    String name = "replay-sink";
    Path table = tmp.resolve("replay");
    connect.kafka().createTopic(topic, 1);
    connect.kafka().createTopic("replay-dlq", 1);
    try (Producer producer = new Producer(connect)) {
      for (long seq = 0; seq < 100; seq++) {
        producer.send(topic, 0, Events.id(0, seq), Events.good(0, seq));
      }
    }
    Map<String, String> config = ConnectHarness.sinkConfig(topic, table, "replay-dlq");
    config.put("tasks.max", "1");
    connect.configureConnector(name, config);
    Tables.awaitStoredOffsets(() -> new TableReader(Tables.uri(table)), name, topic, 1, 99);
    awaitRows(table, 100);

    connect.stopConnector(name);
    connect.assertions().assertConnectorIsStopped(name, "not stopped");
    connect.alterConnectorOffsets(name, new ConnectorOffsets(List.of(new ConnectorOffset(
        Map.of("kafka_topic", topic, "kafka_partition", 0), Map.of("kafka_offset", 60L)))));
    connect.resumeConnector(name);
    awaitRows(table, 140);
    Tables.awaitStoredOffsets(() -> new TableReader(Tables.uri(table)), name, topic, 1, 99);
    Map<String, Long> counts = counts(table);
    for (long seq = 0; seq < 100; seq++) {
      assertEquals(seq >= 60 ? 2L : 1L, counts.get(Events.id(0, seq)), "event " + seq);
    }

    connect.stopConnector(name);
    connect.assertions().assertConnectorIsStopped(name, "not stopped");
    connect.resetConnectorOffsets(name);
    connect.resumeConnector(name);
    awaitRows(table, 240);
    Tables.awaitStoredOffsets(() -> new TableReader(Tables.uri(table)), name, topic, 1, 99);
    connect.deleteConnector(name);
  }

  /** Offsets for an event-time window from the ReplayOffsets command, as a user runs it. */
  String replayOffsetsCommand(String topic, java.time.Instant from) throws Exception {
    String classpath = ConnectHarness.pluginJars().stream().map(Path::toString)
        .collect(Collectors.joining(java.io.File.pathSeparator)) + java.io.File.pathSeparator
        + System.getProperty("java.class.path"); // the plugin's jars, then Kafka's clients
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", classpath, "io.github.deltaconnect.sink.offsets.ReplayOffsets",
        "--bootstrap-server", connect.kafka().bootstrapServers(), "--topic", topic,
        "--from", from.toString()).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), out);
    return out.substring(out.indexOf('{')); // after any log lines
  }

  /** The sink in replace mode, tagging rows with the logic version through Kafka's InsertField. */
  Map<String, String> replaceSink(String topic, Path table, String logic) {
    Map<String, String> config = ConnectHarness.sinkConfig(topic, table, topic + "-dlq");
    config.put("delta.metadata.columns", "true");
    config.put("delta.replay.mode", "replace");
    config.put("delta.flush.size", "50");
    config.put("delta.flush.interval.ms", "1000");
    config.put("transforms", "logic");
    config.put("transforms.logic.type", "org.apache.kafka.connect.transforms.InsertField$Value");
    config.put("transforms.logic.static.field", "logic");
    config.put("transforms.logic.static.value", logic);
    return config;
  }

  @Test
  void replaceReplayOfA24HourWindowWithAChangedRuleLeavesEachEventOnceWithTheNewLogic()
      throws Exception {
    String topic = "window";
    String name = "window-sink";
    Path table = tmp.resolve("window");
    connect.kafka().createTopic(topic, 2);
    connect.kafka().createTopic(topic + "-dlq", 1);
    // Three days of events, one every 15 minutes per partition, each record stamped with its
    // event time: 288 per partition.
    long t0 = java.time.Instant.parse("2026-11-27T00:00:00Z").toEpochMilli();
    long step = java.time.Duration.ofMinutes(15).toMillis();
    int perPartition = 288;
    try (Producer producer = new Producer(connect)) {
      for (int p = 0; p < 2; p++) {
        for (long seq = 0; seq < perPartition; seq++) {
          producer.send(topic, p, t0 + seq * step, Events.id(p, seq), Events.good(p, seq));
        }
      }
    }
    connect.configureConnector(name, replaceSink(topic, table, "v1"));
    Tables.awaitStoredOffsets(() -> new TableReader(Tables.uri(table)), name, topic, 2,
        perPartition - 1);
    awaitRows(table, 2 * perPartition);

    // The last 24 hours are re-run with fixed logic: v2, and a rule that now drops amounts over
    // 120 (seq > 240: the window's tail, which the sink never sees).
    connect.stopConnector(name);
    connect.assertions().assertConnectorIsStopped(name, "not stopped");
    java.time.Instant from = java.time.Instant.ofEpochMilli(t0 + 2 * 86_400_000L);
    String body = replayOffsetsCommand(topic, from);
    assertEquals(true, body.contains("\"kafka_offset\" : 192"), body);
    long versionBefore = new TableReader(Tables.uri(table)).snapshot().getVersion();
    Map<String, String> v2 = replaceSink(topic, table, "v2");
    v2.put("transforms", "logic,dq");
    v2.put("transforms.dq.type", "io.github.deltaconnect.quality.QualityRules$Value");
    v2.put("transforms.dq.rules", "amount_cap");
    v2.put("transforms.dq.rule.amount_cap.type", "range");
    v2.put("transforms.dq.rule.amount_cap.field", "amount");
    v2.put("transforms.dq.rule.amount_cap.max", "120");
    v2.put("transforms.dq.rule.amount_cap.action", "drop");
    connect.configureConnector(name, v2); // a stopped connector stays stopped
    var patch = connect.requestPatch(connect.endpointForResource("connectors/" + name
        + "/offsets"), body);
    assertEquals(200, patch.getStatus(), String.valueOf(patch.getEntity()));
    connect.resumeConnector(name);

    int kept = 241; // seq 0..240 stay (0..191 from the first run, 192..240 replayed)
    awaitRows(table, 2 * kept);
    Waits.until(TIMEOUT, () -> {
      TableReader reader = new TableReader(Tables.uri(table));
      for (int p = 0; p < 2; p++) {
        String domain = reader.domain("kafka.offsets." + name + "." + topic + "." + p)
            .orElse("");
        if (!domain.contains("\"offset\":" + (perPartition - 1)) || domain.contains("replaceUntil")) {
          return null;
        }
      }
      return Boolean.TRUE;
    }, "the replay never passed the dropped tail");

    TableReader reader = new TableReader(Tables.uri(table));
    long last = reader.snapshot().getVersion();
    for (long v = versionBefore; v <= last; v++) {
      Map<String, Long> perEvent = reader.rows(v).stream().collect(Collectors.groupingBy(
          r -> (String) r.get("event_id"), Collectors.counting()));
      final long version = v;
      perEvent.forEach((id, n) -> assertEquals(1L, n, id + " twice at version " + version));
    }
    Map<String, Object> logicOf = reader.rows().stream().collect(Collectors.toMap(
        r -> (String) r.get("event_id"), r -> r.get("logic")));
    for (int p = 0; p < 2; p++) {
      for (long seq = 0; seq < perPartition; seq++) {
        Object logic = logicOf.get(Events.id(p, seq));
        assertEquals(seq < 192 ? "v1" : seq <= 240 ? "v2" : null, logic, "event " + p + "/" + seq);
      }
    }
    assertEquals(0, connect.kafka().consumeAll(5_000, topic + "-dlq").count(), "nothing to the DLQ");
    connect.deleteConnector(name);
  }
}
