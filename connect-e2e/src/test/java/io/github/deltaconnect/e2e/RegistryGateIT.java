package io.github.deltaconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.registry.testing.ApicurioRegistry;
import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry_validation gate on the packaged sink, against a real Schema Registry (Apicurio):
 * records whose schema is registered under the topic's subject land; a producer that starts
 * sending an unregistered schema halts the task with the subject and the schema named, nothing of
 * those records committed (not even the columns they would add); once the schema is registered
 * and the task restarted, they land exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryGateIT {
  static final String TOPIC = "registered-events";
  static final String SUBJECT = TOPIC + "-value";
  static final String CONNECTOR = "registry-gated-sink";
  /** The Avro form of {@link Events}' JsonConverter schema. */
  static final String V1 = "{\"type\":\"record\",\"name\":\"Event\",\"namespace\":\"shop\",\"fields\":["
      + "{\"name\":\"event_id\",\"type\":\"string\"},"
      + "{\"name\":\"source_system\",\"type\":\"string\"},"
      + "{\"name\":\"user_id\",\"type\":\"long\"},"
      + "{\"name\":\"region\",\"type\":[\"null\",\"string\"],\"default\":null},"
      + "{\"name\":\"event_type\",\"type\":\"string\"},"
      + "{\"name\":\"amount\",\"type\":[\"null\",\"double\"],\"default\":null},"
      + "{\"name\":\"event_ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}";
  /** v1 plus an optional channel: what {@link Events#goodWithChannel} writes. */
  static final String V2 = V1.replace("\"timestamp-millis\"}}]}",
      "\"timestamp-millis\"}},{\"name\":\"channel\",\"type\":[\"null\",\"string\"],\"default\":null}]}");
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  @TempDir
  Path tmp;
  ApicurioRegistry registry;
  EmbeddedConnectCluster connect;

  @BeforeAll
  void start() throws Exception {
    registry = new ApicurioRegistry().start();
    connect = ConnectHarness.start("registry-gate", 1);
  }

  @AfterAll
  void stop() {
    if (connect != null) {
      connect.stop();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void anUnregisteredSchemaHaltsWithNothingCommittedAndLandsOnceAfterItIsRegistered()
      throws Exception {
    registry.register(SUBJECT, V1);
    connect.kafka().createTopic(TOPIC, 1);
    connect.kafka().createTopic(TOPIC + "-dlq", 1);
    Path table = tmp.resolve("events");
    Map<String, String> config = ConnectHarness.sinkConfig(TOPIC, table, TOPIC + "-dlq");
    config.put("tasks.max", "1");
    config.put("delta.flush.size", "10");
    config.put("delta.schema.evolution", "add-columns");
    config.put("delta.gates", "registered");
    config.put("delta.gate.registered.metric", "schema_hash");
    config.put("delta.gate.registered.action", "registry_validation");
    config.put("delta.gates.registry.url", registry.ccompatUrl());
    List<String> expected = new ArrayList<>();

    // Registered: lands.
    try (Producer producer = new Producer(connect)) {
      for (int seq = 0; seq < 20; seq++) {
        producer.send(TOPIC, 0, Events.id(0, seq), Events.good(0, seq));
        expected.add(Events.id(0, seq));
      }
    }
    connect.configureConnector(CONNECTOR, config);
    Tables.awaitStoredOffsets(table, CONNECTOR, TOPIC, 1, 19);

    // A producer adds a field nobody registered: the schema change halts before the columns land.
    try (Producer producer = new Producer(connect)) {
      for (int seq = 20; seq < 30; seq++) {
        producer.send(TOPIC, 0, Events.id(0, seq), Events.goodWithChannel(0, seq));
        expected.add(Events.id(0, seq));
      }
    }
    String trace = failedTrace();
    assertTrue(trace.contains("gate 'registered' (schema_hash, registry_validation)")
        && trace.contains("not registered under subject '" + SUBJECT + "'")
        && trace.contains("channel:string?") && trace.contains(TOPIC + "-0[20]"), trace);
    assertEquals(20, new TableReader(Tables.uri(table)).rows().size());
    assertFalse(logMentions(table, "channel"), "the unregistered field's column was not added");

    // The operator registers the schema and restarts the task: the held records land once.
    registry.register(SUBJECT, V2);
    connect.restartTask(CONNECTOR, 0);
    Tables.awaitStoredOffsets(table, CONNECTOR, TOPIC, 1, 29);
    Tables.assertExactlyOnce(table, expected);
    assertTrue(logMentions(table, "channel"));

    // A schema that drops a field is no column change: the batch gate itself halts it.
    try (Producer producer = new Producer(connect)) {
      for (int seq = 30; seq < 40; seq++) {
        producer.send(TOPIC, 0, Events.id(0, seq), withoutEventType(seq));
        expected.add(Events.id(0, seq));
      }
    }
    String batchTrace = failedTrace();
    assertTrue(batchTrace.contains("Quality gate halted the batch")
        && batchTrace.contains("not registered under subject '" + SUBJECT + "'")
        && batchTrace.contains("batch offsets " + TOPIC + "-0[30..39]"), batchTrace);
    assertEquals(30, new TableReader(Tables.uri(table)).rows().size(), "nothing of it committed");
    registry.register(SUBJECT, V2.replace(
        "{\"name\":\"event_type\",\"type\":\"string\"},", ""));
    connect.restartTask(CONNECTOR, 0);
    Tables.awaitStoredOffsets(table, CONNECTOR, TOPIC, 1, 39);
    Tables.assertExactlyOnce(table, expected);
    assertEquals("RUNNING", connect.connectorStatus(CONNECTOR).tasks().get(0).state());
    connect.deleteConnector(CONNECTOR);
  }

  String failedTrace() throws Exception {
    return Waits.until(TIMEOUT, () -> {
      var tasks = connect.connectorStatus(CONNECTOR).tasks();
      return tasks.size() == 1 && "FAILED".equals(tasks.get(0).state()) ? tasks.get(0).trace()
          : null;
    }, "the registry gate never stopped the task");
  }

  /** A channel-carrying event whose schema and payload lack event_type. */
  static String withoutEventType(int seq) {
    return Events.goodWithChannel(0, seq)
        .replace("{\"field\":\"event_type\",\"type\":\"string\",\"optional\":false},", "")
        .replaceFirst("\"event_type\":\"[a-z]+\",", "");
  }

  static boolean logMentions(Path table, String text) throws Exception {
    try (Stream<Path> files = Files.list(table.resolve("_delta_log"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        if (Files.readString(f).contains("\\\"" + text + "\\\"")) {
          return true;
        }
      }
    }
    return false;
  }
}
