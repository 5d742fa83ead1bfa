package io.github.deltaconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One connector, many tables, in a real Connect cluster: a table per topic (created on first use,
 * each with its own offsets) through a worker loss and a rebalance; and a table per value of a
 * field, where a value that cannot name a table sends its record to the DLQ with the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingIT {
  static final Duration TIMEOUT = Duration.ofMinutes(3);
  static final int PARTITIONS = 2;

  @TempDir
  Path tmp;
  EmbeddedConnectCluster connect;

  @BeforeAll
  void start() throws InterruptedException {
    connect = ConnectHarness.start("routing", 2);
  }

  @AfterAll
  void stop() {
    connect.stop();
  }

  static void produce(EmbeddedConnectCluster connect, String topic, long from, long to)
      throws Exception {
    try (Producer producer = new Producer(connect)) {
      for (int p = 0; p < PARTITIONS; p++) {
        for (long seq = from; seq < to; seq++) {
          producer.send(topic, p, Events.id(p, seq), Events.good(p, seq));
        }
      }
    }
  }

  static List<String> ids(long to) {
    List<String> out = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      for (long seq = 0; seq < to; seq++) {
        out.add(Events.id(p, seq));
      }
    }
    return out;
  }

  @Test
  void eachTopicGetsItsOwnTableExactlyOnceThroughAWorkerLoss() throws Exception {
    List<String> topics = List.of("orders", "clicks", "signups");
    for (String topic : topics) {
      connect.kafka().createTopic(topic, PARTITIONS);
    }
    connect.kafka().createTopic("lake-dlq", 1);
    for (String topic : topics) {
      produce(connect, topic, 0, 200);
    }
    Map<String, String> config = ConnectHarness.sinkConfig(String.join(",", topics),
        tmp.resolve("lake").resolve("${topic}"), "lake-dlq");
    config.put("delta.flush.size", "150");
    connect.configureConnector("lake", config);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("lake", 2, "not running");
    Waits.until(TIMEOUT, () -> Files.exists(tmp.resolve("lake/orders/_delta_log")) ? true : null,
        "no table for orders");

    connect.removeWorker(); // its tasks move, and read each table's offsets back
    for (String topic : topics) {
      produce(connect, topic, 200, 400);
    }
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("lake", 2, "not rebalanced");
    connect.addWorker();
    for (String topic : topics) {
      produce(connect, topic, 400, 500);
    }

    for (String topic : topics) {
      Path table = tmp.resolve("lake").resolve(topic);
      Tables.awaitStoredOffsets(() -> new TableReader(Tables.uri(table)), "lake", topic,
          PARTITIONS, 499);
      Tables.assertExactlyOnce(table, ids(500));
    }
    connect.deleteConnector("lake");
  }

  @Test
  void aFieldNamesTheTableAndAValueThatCannotGoesToTheDlqWithTheReason() throws Exception {
    String topic = "mixed";
    connect.kafka().createTopic(topic, PARTITIONS);
    connect.kafka().createTopic("mixed-dlq", 1);
    produce(connect, topic, 0, 300);
    try (Producer producer = new Producer(connect)) {
      producer.send(topic, 0, "bad", Events.good(0, 300).replace("\"source_system\":\"",
          "\"source_system\":\"../../etc/"));
    }
    Map<String, String> config = ConnectHarness.sinkConfig(topic,
        tmp.resolve("by-source").resolve("${route}"), "mixed-dlq");
    config.put("delta.route.field", "source_system");
    connect.configureConnector("by-source", config);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("by-source", 2,
        "not running");

    Map<String, List<String>> expected = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      for (long seq = 0; seq < 300; seq++) {
        expected.computeIfAbsent(Events.SOURCES[(int) (seq % Events.SOURCES.length)],
            s -> new ArrayList<>()).add(Events.id(p, seq));
      }
    }
    Waits.until(TIMEOUT, () -> {
      int rows = 0;
      for (String source : Events.SOURCES) {
        Path table = tmp.resolve("by-source").resolve(source);
        if (Files.exists(table.resolve("_delta_log"))) {
          rows += new TableReader(Tables.uri(table)).rows().size();
        }
      }
      return rows >= 600 ? true : null;
    }, "not every row landed");
    for (String source : Events.SOURCES) {
      Tables.assertExactlyOnce(tmp.resolve("by-source").resolve(source), expected.get(source));
    }
    // The routing failure is in the DLQ with its reason. It is reported when read, like a
    // converter failure: a rebalance before the group's offsets move past it reports it again.
    List<ConsumerRecord<byte[], byte[]>> dlq = new ArrayList<>();
    connect.kafka().consume(1, TIMEOUT.toMillis(), "mixed-dlq").forEach(dlq::add);
    assertTrue(!dlq.isEmpty());
    for (ConsumerRecord<byte[], byte[]> r : dlq) {
      assertEquals("bad", new String(r.key(), StandardCharsets.UTF_8), "only the bad record");
      String reason = new String(r.headers().lastHeader("__connect.errors.exception.message")
          .value(), StandardCharsets.UTF_8);
      assertTrue(reason.contains("cannot name a table"), reason);
    }
    assertTrue(!Files.exists(tmp.resolve("etc")), "nothing written outside the lake");
    connect.deleteConnector("by-source");
  }
}
