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
 * start. In append mode a replay appends the records again, by design.
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
}
