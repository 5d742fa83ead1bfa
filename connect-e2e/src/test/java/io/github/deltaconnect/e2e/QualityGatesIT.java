package io.github.deltaconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.github.deltaconnect.sink.testing.TableReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch gate on the packaged sink in a real worker: a batch that breaks a halt_and_alert gate
 * leaves the table as it was, the task fails naming the gate, the webhook gets the alert; after
 * the operator raises the threshold through the REST API the held records land exactly once, and
 * every version's gate metrics read back from the log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QualityGatesIT {
  static final String TOPIC = "gated-events";
  static final String CONNECTOR = "gated-sink";

  @TempDir
  Path tmp;
  EmbeddedConnectCluster connect;
  HttpServer receiver;
  final List<String> alerts = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/alerts", exchange -> {
      alerts.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    receiver.start();
    connect = ConnectHarness.start("gates", 1);
  }

  @AfterAll
  void stop() {
    if (connect != null) {
      connect.stop();
    }
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  Map<String, String> gatedSink(Path table, String maxAmount) {
    Map<String, String> config = ConnectHarness.sinkConfig(TOPIC, table, TOPIC + "-dlq");
    config.put("tasks.max", "1");
    config.put("delta.flush.size", "10");
    config.put("delta.gates", "big_amounts");
    config.put("delta.gate.big_amounts.metric", "max_amount");
    config.put("delta.gate.big_amounts.max", maxAmount);
    config.put("delta.gate.big_amounts.action", "halt_and_alert");
    config.put("delta.gates.alert.webhook.url",
        "http://127.0.0.1:" + receiver.getAddress().getPort() + "/alerts");
    return config;
  }

  @Test
  void aHaltedBatchLeavesTheTableAloneAlertsAndLandsOnceAfterTheOperatorReleasesIt()
      throws Exception {
    connect.kafka().createTopic(TOPIC, 1);
    connect.kafka().createTopic(TOPIC + "-dlq", 1);
    Path table = tmp.resolve("events");
    // Amounts are seq * 0.5: records 0-19 stay under the gate's 15.0, 31-39 break it.
    try (Producer producer = new Producer(connect)) {
      for (int seq = 0; seq < 20; seq++) {
        producer.send(TOPIC, 0, Events.id(0, seq), Events.good(0, seq));
      }
    }
    connect.configureConnector(CONNECTOR, gatedSink(table, "15"));
    Tables.awaitStoredOffsets(table, CONNECTOR, TOPIC, 1, 19);

    try (Producer producer = new Producer(connect)) {
      for (int seq = 20; seq < 40; seq++) {
        producer.send(TOPIC, 0, Events.id(0, seq), Events.good(0, seq));
      }
    }
    String trace = Waits.until(Duration.ofSeconds(60), () -> {
      var tasks = connect.connectorStatus(CONNECTOR).tasks();
      return tasks.size() == 1 && "FAILED".equals(tasks.get(0).state()) ? tasks.get(0).trace()
          : null;
    }, "the gate never stopped the task");
    assertTrue(trace.contains("gate 'big_amounts' (max_amount, halt_and_alert): value")
        && trace.contains("is above the maximum 15") && trace.contains(TOPIC + "-0["), trace);
    List<Map<String, Object>> held = new TableReader(Tables.uri(table)).rows();
    assertTrue(held.stream().allMatch(r -> (Double) r.get("amount") <= 15.0),
        "nothing of a halted batch is in the table: " + held.size() + " rows");
    assertTrue(held.size() < 40, "the batches from the breaking one on are held");
    JsonNode alert = Waits.until(Duration.ofSeconds(30),
        () -> alerts.isEmpty() ? null : new ObjectMapper().readTree(alerts.get(0)),
        "no alert reached the webhook");
    assertEquals("big_amounts", alert.at("/deltaconnect/breaches/0/gate").asText(), alert.toString());
    assertEquals(false, alert.at("/deltaconnect/committed").asBoolean());
    assertTrue(alert.get("text").asText().startsWith("Quality gate HALT"), alert.toString());

    // The operator raises the gate; Connect restarts the task with the new config.
    connect.configureConnector(CONNECTOR, gatedSink(table, "100"));
    Tables.awaitStoredOffsets(table, CONNECTOR, TOPIC, 1, 39);
    List<String> expected = new ArrayList<>();
    for (int seq = 0; seq < 40; seq++) {
      expected.add(Events.id(0, seq));
    }
    Tables.assertExactlyOnce(table, expected);

    // Every version that appended rows carries its gate metric in commitInfo.operationMetrics.
    ObjectMapper json = new ObjectMapper();
    int versions = 0;
    try (Stream<Path> files = Files.list(table.resolve("_delta_log"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        for (String line : Files.readAllLines(file)) {
          JsonNode info = json.readTree(line).get("commitInfo");
          if (info != null && info.has("operationMetrics")
              && info.get("operationMetrics").has("numOutputRows")) {
            JsonNode m = info.get("operationMetrics");
            assertTrue(m.has("gate.max_amount"), file + ": " + info);
            versions++;
          }
        }
      }
    }
    assertTrue(versions >= 2, "versions with gate metrics: " + versions);
    connect.deleteConnector(CONNECTOR);
  }

  static List<String> ids(Path table) {
    return new TableReader(Tables.uri(table)).rows().stream()
        .map(r -> String.valueOf(r.get("event_id"))).sorted().toList();
  }

  /** A good event whose region is {@code region} (a JSON literal: null or a quoted string). */
  static String withRegion(int seq, String region) {
    return Events.good(0, seq).replaceFirst("\"region\":(null|\"[^\"]*\")",
        "\"region\":" + region);
  }

  @Test
  void aQuarantinedBatchIsInTheQuarantineTableOnceAcrossAWorkerRestart() throws Exception {
    String topic = "quarantined-events";
    String connector = "quarantine-sink";
    connect.kafka().createTopic(topic, 1);
    connect.kafka().createTopic(topic + "-dlq", 1);
    Path table = tmp.resolve("q-events");
    Map<String, String> config = ConnectHarness.sinkConfig(topic, table, topic + "-dlq");
    config.put("tasks.max", "1");
    config.put("delta.flush.size", "10");
    config.put("delta.gates", "regions");
    config.put("delta.gate.regions.metric", "null_rate_region");
    config.put("delta.gate.regions.threshold", "0.5");
    config.put("delta.gate.regions.action", "quarantine");
    List<String> main = new ArrayList<>();
    List<String> quarantined = new ArrayList<>();
    int produced = 0;
    int garbage = 0;
    try (Producer producer = new Producer(connect)) {
      for (int seq = 0; seq < 20; seq++, produced++) { // every region set: lands
        producer.send(topic, 0, Events.id(0, seq), withRegion(seq, "\"eu-west\""));
        main.add(Events.id(0, seq));
      }
    }
    connect.configureConnector(connector, config);
    Tables.awaitStoredOffsets(table, connector, topic, 1, 19);
    try (Producer producer = new Producer(connect)) {
      for (int seq = 20; seq < 30; seq++, produced++) { // no region at all: quarantined
        producer.send(topic, 0, Events.id(0, seq), withRegion(seq, "null"));
        quarantined.add(Events.id(0, seq));
      }
    }
    Path quarantineTable = tmp.resolve("q-events_quarantine");
    Waits.until(Duration.ofSeconds(60), () -> Files.exists(quarantineTable.resolve("_delta_log"))
        && new TableReader(Tables.uri(quarantineTable)).rows().size() == 10 ? Boolean.TRUE : null,
        "the batch never reached the quarantine table");

    // The worker goes away (the task with it) while more records arrive, then a worker comes.
    connect.removeWorker();
    try (Producer producer = new Producer(connect)) {
      for (int seq = 30; seq < 50; seq++, produced++) {
        if (seq == 35 || seq == 41) {
          producer.send(topic, 0, "garbage-" + seq, Events.garbage(seq)); // to the DLQ
          garbage++;
        } else {
          producer.send(topic, 0, Events.id(0, seq), withRegion(seq, "\"us-east\""));
          main.add(Events.id(0, seq));
        }
      }
    }
    connect.addWorker();
    Tables.awaitStoredOffsets(table, connector, topic, 1, 49);

    // By id (the regions were rewritten, so Tables.assertExactlyOnce's row check does not apply).
    assertEquals(main.stream().sorted().toList(), ids(table), "the main table, each once");
    assertEquals(quarantined, ids(quarantineTable), "the quarantine table, each once");
    int dlq = connect.kafka().consume(garbage, 30_000, topic + "-dlq").count();
    assertEquals(produced, main.size() + quarantined.size() + dlq,
        "table " + main.size() + " + quarantine " + quarantined.size() + " + DLQ " + dlq);
    connect.deleteConnector(connector);
  }
}
