package io.github.deltaconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka broker goes away mid-stream and comes back: the tasks survive it, and every record is
 * in the table or the DLQ once (the table, not Kafka, stores the offsets that decide).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrokerRestartIT {
  static final Duration TIMEOUT = Duration.ofSeconds(120);
  EmbeddedConnectCluster connect;
  @TempDir
  Path tmp;

  @BeforeAll
  void start() throws InterruptedException {
    connect = ConnectHarness.start("broker-restart", 1);
  }

  @AfterAll
  void stop() {
    connect.stop();
  }

  List<String> produce(String topic, int partitions, long from, long to, long[] bad)
      throws Exception {
    List<String> good = new ArrayList<>();
    try (Producer producer = new Producer(connect)) {
      for (int p = 0; p < partitions; p++) {
        for (long seq = from; seq < to; seq++) {
          if (seq % 100 == 50) {
            producer.send(topic, p, Events.id(p, seq), Events.garbage(seq));
            bad[0]++;
          } else {
            producer.send(topic, p, Events.id(p, seq), Events.good(p, seq));
            good.add(Events.id(p, seq));
          }
        }
      }
    }
    return good;
  }

  @Test
  void aBrokerRestartMidStreamLosesAndRepeatsNothing() throws Exception {
    String topic = "clicks";
    String connector = "clicks-sink";
    int partitions = 2;
    Path table = tmp.resolve("clicks");
    connect.kafka().createTopic(topic, partitions);
    connect.kafka().createTopic("clicks-dlq", 1);
    long[] bad = {0};
    List<String> expected = new ArrayList<>(produce(topic, partitions, 0, 300, bad));
    Map<String, String> config = ConnectHarness.sinkConfig(topic, table, "clicks-dlq");
    config.put("delta.flush.size", "100");
    connect.configureConnector(connector, config);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(connector, 2, "not running");
    Tables.awaitStoredOffsets(table, connector, topic, partitions, 299);
    long versionBefore = new TableReader(Tables.uri(table)).snapshot().getVersion();

    // The broker processes stop and start again on the same ports and logs: the task's consumer,
    // the DLQ producer and the worker's offset commits all lose their connections meanwhile.
    connect.kafka().stopOnlyBrokers();
    connect.kafka().restartOnlyBrokers();
    expected.addAll(produce(topic, partitions, 300, 600, bad));

    Tables.awaitStoredOffsets(table, connector, topic, partitions, 599);
    Tables.assertExactlyOnce(table, expected);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(connector, 2,
        "tasks survive the broker restart");
    TableReader reader = new TableReader(Tables.uri(table));
    Set<String> dlq = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consumeAll(30_000, "clicks-dlq")) {
      dlq.add(r.topic() + "/" + new String(r.headers().lastHeader("__connect.errors.partition")
          .value()) + "@" + new String(r.headers().lastHeader("__connect.errors.offset").value()));
    }
    assertEquals(bad[0], dlq.size(), "every bad record in the DLQ once: " + dlq);
    assertEquals(600L * partitions, reader.rows().size() + dlq.size(), "table + DLQ == produced");
    assertEquals(true, reader.snapshot().getVersion() > versionBefore);
    connect.deleteConnector(connector);
  }
}
