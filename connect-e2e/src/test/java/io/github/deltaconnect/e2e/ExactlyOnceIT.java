package io.github.deltaconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once inside a real Connect cluster (KRaft broker, two workers, the packaged plugin):
 * through worker loss and rebalance, injected crashes on either side of the Delta commit, and
 * several connectors' tasks committing to one table at once. Every table is read back through an
 * independent Delta reader and compared row by row with what was produced.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExactlyOnceIT {
  static final Duration TIMEOUT = Duration.ofMinutes(3);

  @TempDir
  Path tmp;
  EmbeddedConnectCluster connect;

  @BeforeAll
  void start() throws InterruptedException {
    connect = ConnectHarness.start("exactly-once", 2);
  }

  @AfterAll
  void stop() {
    connect.stop();
  }

  /** Produces seq [from, to) to each partition; returns the ids of the good events. */
  List<String> produce(String topic, int partitions, long from, long to, int idOffset,
      boolean withBadRecords, long[] badCount) throws Exception {
    List<String> good = new ArrayList<>();
    try (Producer producer = new Producer(connect)) {
      for (int p = 0; p < partitions; p++) {
        for (long seq = from; seq < to; seq++) {
          String value;
          if (withBadRecords && seq % 100 == 50) {
            value = Events.garbage(seq);
            badCount[0]++;
          } else if (withBadRecords && seq % 100 == 70) {
            value = Events.unknownField(p + idOffset, seq);
            badCount[0]++;
          } else {
            value = Events.good(p + idOffset, seq);
            good.add(Events.id(p + idOffset, seq));
          }
          producer.send(topic, p, Events.id(p + idOffset, seq), value);
        }
      }
    }
    return good;
  }

  @Test
  void everyRecordLandsOnceAcrossWorkerLossAndRebalanceAndBadOnesReachTheDlq() throws Exception {
    String topic = "orders";
    String connector = "orders-sink";
    int partitions = 4;
    Path table = tmp.resolve("orders");
    connect.kafka().createTopic(topic, partitions);
    connect.kafka().createTopic("orders-dlq", 1);
    long[] bad = {0};
    List<String> expected = new ArrayList<>(produce(topic, partitions, 0, 400, 0, true, bad));

    Map<String, String> config = ConnectHarness.sinkConfig(topic, table, "orders-dlq");
    config.put("delta.flush.size", "150");
    connect.configureConnector(connector, config);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(connector, 2, "not running");
    Waits.until(TIMEOUT, () -> new TableReader(Tables.uri(table)).snapshot().getVersion() >= 1
        ? Boolean.TRUE : null, "no commits");

    // A worker dies mid-stream; its task moves to the survivor, which resumes from the table.
    connect.removeWorker();
    expected.addAll(produce(topic, partitions, 400, 800, 0, true, bad));
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(connector, 2, "not rebalanced");
    // A worker joins: tasks are rebalanced again while records flow.
    connect.addWorker();
    expected.addAll(produce(topic, partitions, 800, 1000, 0, true, bad));
    connect.assertions().assertAtLeastNumWorkersAreUp(2, "worker did not join");

    Tables.awaitStoredOffsets(table, connector, topic, partitions, 999);
    Tables.assertExactlyOnce(table, expected);

    ConsumerRecords<byte[], byte[]> dlq = connect.kafka().consumeAll(30_000, "orders-dlq");
    Set<String> distinct = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : dlq) {
      String origin = header(r, "__connect.errors.topic") + "-" + header(r, "__connect.errors.partition")
          + "@" + header(r, "__connect.errors.offset");
      assertNotNull(header(r, "__connect.errors.exception.message"), origin);
      assertTrue(List.of("VALUE_CONVERTER", "TASK_PUT").contains(header(r, "__connect.errors.stage")),
          origin);
      if ("TASK_PUT".equals(header(r, "__connect.errors.stage"))) {
        assertTrue(header(r, "__connect.errors.exception.message").contains("surprise"), origin);
      }
      distinct.add(origin);
    }
    assertEquals(bad[0], distinct.size(), "every bad record is in the DLQ");
    long produced = 1000L * partitions;
    assertEquals(produced, new TableReader(Tables.uri(table)).rows().size() + distinct.size(),
        "table rows + DLQ == produced");
    connect.deleteConnector(connector);
  }

  @Test
  void aCrashAfterTheFilesAreWrittenButBeforeTheCommitLosesAndRepeatsNothing() throws Exception {
    crashScenario("crash-files", "after-files@2", true);
  }

  @Test
  void aCrashAfterTheCommitButBeforeKafkaOffsetsAreCommittedRepeatsNothing() throws Exception {
    crashScenario("crash-commit", "after-commit@2", false);
  }

  void crashScenario(String topic, String fault, boolean expectOrphans) throws Exception {
    String connector = topic + "-sink";
    Path table = tmp.resolve(topic);
    connect.kafka().createTopic(topic, 2);
    connect.kafka().createTopic(topic + "-dlq", 1);
    List<String> expected = produce(topic, 2, 0, 500, 0, false, new long[1]);
    Map<String, String> config = ConnectHarness.sinkConfig(topic, table, topic + "-dlq");
    config.put("tasks.max", "1");
    config.put("delta.flush.size", "200");
    config.put("delta.test.fault", fault);
    connect.configureConnector(connector, config);
    connect.assertions().assertConnectorIsRunningAndTasksHaveFailed(connector, 1,
        "the injected fault did not fail the task");

    config.remove("delta.test.fault"); // the fixed task restarts and recovers from the table
    connect.configureConnector(connector, config);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(connector, 1, "not running");
    Tables.awaitStoredOffsets(table, connector, topic, 2, 499);
    Tables.assertExactlyOnce(table, expected);

    TableReader reader = new TableReader(Tables.uri(table));
    long onDisk;
    try (Stream<Path> files = Files.walk(table)) {
      onDisk = files.filter(f -> f.toString().endsWith(".parquet") && !f.toString().contains("_delta_log"))
          .count();
    }
    int referenced = reader.dataFiles().size();
    if (expectOrphans) {
      assertTrue(onDisk > referenced, "the crash left uncommitted files (" + onDisk + " on disk, "
          + referenced + " in the table), and they are not in the table");
    } else {
      assertEquals(referenced, onDisk, "no file outside the table");
    }
    connect.deleteConnector(connector);
  }

  @Test
  void twoConnectorsAndFourTasksCommitToOneTableConcurrently() throws Exception {
    Path table = tmp.resolve("shared");
    connect.kafka().createTopic("shop-a", 2);
    connect.kafka().createTopic("shop-b", 2);
    connect.kafka().createTopic("shop-a-dlq", 1);
    connect.kafka().createTopic("shop-b-dlq", 1);
    List<String> expected = new ArrayList<>(produce("shop-a", 2, 0, 600, 0, false, new long[1]));
    expected.addAll(produce("shop-b", 2, 0, 600, 10, false, new long[1]));
    for (String t : List.of("shop-a", "shop-b")) {
      Map<String, String> config = ConnectHarness.sinkConfig(t, table, t + "-dlq");
      config.put("delta.flush.size", "100");
      connect.configureConnector(t + "-sink", config);
    }
    for (String t : List.of("shop-a", "shop-b")) {
      connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(t + "-sink", 2, "not running");
    }
    Tables.awaitStoredOffsets(table, "shop-a-sink", "shop-a", 2, 599);
    Tables.awaitStoredOffsets(table, "shop-b-sink", "shop-b", 2, 599);
    Tables.assertExactlyOnce(table, expected);
    connect.deleteConnector("shop-a-sink");
    connect.deleteConnector("shop-b-sink");
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
