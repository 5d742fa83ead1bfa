package io.github.deltaconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * delta.idempotency.key in a real Connect cluster: producers' resends land on the same partition
 * (inside a batch), on partitions another task owns (concurrent commits), and long after the first
 * copy was committed, across a worker loss and a rebalance (tasks restart elsewhere and read the
 * key index back from the table). The table ends with one row per key, and the history counts
 * every copy left out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyIT {
  static final Duration TIMEOUT = Duration.ofMinutes(3);
  static final int PARTITIONS = 4;

  @TempDir
  Path tmp;
  EmbeddedConnectCluster connect;
  final long[] sent = new long[PARTITIONS];
  final Set<String> distinct = new LinkedHashSet<>();

  @BeforeAll
  void start() throws InterruptedException {
    connect = ConnectHarness.start("idempotency", 2);
  }

  @AfterAll
  void stop() {
    connect.stop();
  }

  void send(Producer producer, String topic, int partition, int origin, long seq) {
    producer.send(topic, partition, Events.id(origin, seq), Events.good(origin, seq));
    sent[partition]++;
    distinct.add(Events.id(origin, seq));
  }

  /**
   * Events seq [from, to) on every partition; every 7th is resent at once (same batch), every 5th
   * to the next partition (another task), and every 11th of {@code [0, resendBelow)} again now.
   */
  void produce(String topic, long from, long to, long resendBelow) throws Exception {
    try (Producer producer = new Producer(connect)) {
      for (int p = 0; p < PARTITIONS; p++) {
        for (long seq = from; seq < to; seq++) {
          send(producer, topic, p, p, seq);
          if (seq % 7 == 0) {
            send(producer, topic, p, p, seq);
          }
          if (seq % 5 == 0) {
            send(producer, topic, (p + 1) % PARTITIONS, p, seq);
          }
        }
        for (long seq = 0; seq < resendBelow; seq += 11) {
          send(producer, topic, p, p, seq);
        }
      }
    }
  }

  @Test
  void resentEventsLandOncePerKeyThroughRebalanceAndEveryLeftOutCopyIsCounted() throws Exception {
    String topic = "clicks";
    String connector = "clicks-sink";
    Path table = tmp.resolve("clicks");
    connect.kafka().createTopic(topic, PARTITIONS);
    connect.kafka().createTopic("clicks-dlq", 1);
    produce(topic, 0, 300, 0);

    Map<String, String> config = ConnectHarness.sinkConfig(topic, table, "clicks-dlq");
    config.put("delta.flush.size", "150");
    config.put("delta.idempotency.key", "event_id,source_system");
    connect.configureConnector(connector, config);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(connector, 2, "not running");
    Waits.until(TIMEOUT, () -> new TableReader(Tables.uri(table)).snapshot().getVersion() >= 1
        ? Boolean.TRUE : null, "no commits");

    connect.removeWorker(); // a task restarts on the survivor and reads the index back
    produce(topic, 300, 600, 300);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(connector, 2, "not rebalanced");
    connect.addWorker();
    produce(topic, 600, 700, 600);
    connect.assertions().assertAtLeastNumWorkersAreUp(2, "worker did not join");

    long[] last = new long[PARTITIONS];
    for (int p = 0; p < PARTITIONS; p++) {
      last[p] = sent[p] - 1;
    }
    Tables.awaitStoredOffsetsPerPartition(table, connector, topic, last);
    Tables.assertExactlyOnce(table, new ArrayList<>(distinct));

    long produced = java.util.Arrays.stream(sent).sum();
    int rows = new TableReader(Tables.uri(table)).rows().size();
    assertEquals(distinct.size(), rows);
    assertTrue(produced - rows > 1000, "the test resends many events: " + (produced - rows));
    assertEquals(produced - rows, leftOutInHistory(table),
        "rows + copies counted in the history (numDuplicateRows) == produced");
    connect.deleteConnector(connector);
  }

  /** The sum of numDuplicateRows over every commit in the table's log. */
  static long leftOutInHistory(Path table) throws Exception {
    ObjectMapper json = new ObjectMapper();
    long sum = 0;
    List<Path> commits;
    try (Stream<Path> files = Files.list(table.resolve("_delta_log"))) {
      commits = files.filter(f -> f.getFileName().toString().matches("\\d{20}\\.json")).toList();
    }
    for (Path commit : commits) {
      for (String line : Files.readAllLines(commit)) {
        JsonNode node = json.readTree(line);
        if (node.has("commitInfo")) {
          sum += node.get("commitInfo").path("operationMetrics").path("numDuplicateRows").asLong(0);
        }
      }
    }
    return sum;
  }
}
