package io.github.deltaconnect.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged plugin on an older Kafka Connect worker (this module's Kafka version, with that
 * version's own test harness): it loads from plugin.path in isolation and lands every record, with
 * the offsets of every partition in the Delta log. The code compiles against both 3.6 and 3.9.
 */
class OldWorkerIT {
  static final String CONNECTOR_CLASS = "io.github.deltaconnect.sink.DeltaSinkConnector";
  static final String TOPIC = "compat-events";
  static final String CONNECTOR = "compat-sink";
  static final int RECORDS = 400;

  @TempDir
  Path tmp;
  EmbeddedConnectCluster connect;

  @BeforeEach
  void start() {
    Map<String, String> worker = new HashMap<>();
    worker.put("plugin.path", Paths.get(System.getProperty("connect.plugin.dir")).toString());
    worker.put("plugin.discovery", "service_load");
    worker.put("offset.flush.interval.ms", "500");
    connect = new EmbeddedConnectCluster.Builder().name("compat").numWorkers(1).numBrokers(1)
        .brokerProps(new Properties()).workerProps(worker).build();
    connect.start();
  }

  @AfterEach
  void stop() {
    if (connect != null) {
      connect.stop();
    }
  }

  @Test
  @SuppressWarnings("deprecation") // executeGet: deprecated in 3.9, the only call 3.6 has
  void thePackagedPluginLoadsAndLandsEveryRecordOnThisWorker() throws Exception {
    assertEquals(System.getProperty("kafka.version.expected"), AppInfoParser.getVersion());
    assertThrows(ClassNotFoundException.class, () -> Class.forName(CONNECTOR_CLASS));
    String plugins = connect.executeGet(connect.endpointForResource("connector-plugins"));
    assertTrue(plugins.contains(CONNECTOR_CLASS), plugins);

    connect.kafka().createTopic(TOPIC, 2);
    for (int i = 0; i < RECORDS; i++) {
      connect.kafka().produce(TOPIC, "k" + i, "{\"schema\":{\"type\":\"struct\",\"fields\":["
          + "{\"field\":\"id\",\"type\":\"string\",\"optional\":false},"
          + "{\"field\":\"n\",\"type\":\"int64\",\"optional\":false}]},"
          + "\"payload\":{\"id\":\"id-" + i + "\",\"n\":" + i + "}}");
    }
    Path table = tmp.resolve("table");
    Map<String, String> config = new HashMap<>();
    config.put("connector.class", CONNECTOR_CLASS);
    config.put("tasks.max", "2");
    config.put("topics", TOPIC);
    config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    config.put("value.converter.schemas.enable", "true");
    config.put("delta.table.location", table.toString());
    config.put("delta.flush.size", "150");
    config.put("delta.flush.interval.ms", "1000");
    config.put("consumer.override.auto.offset.reset", "earliest");
    connect.configureConnector(CONNECTOR, config);

    long deadline = System.currentTimeMillis() + 120_000;
    Log log = Log.read(table.resolve("_delta_log"));
    while (log.records < RECORDS && System.currentTimeMillis() < deadline) {
      failIfAnyTaskFailed();
      Thread.sleep(250);
      log = Log.read(table.resolve("_delta_log"));
    }
    assertEquals(RECORDS, log.records, "rows committed to the Delta table");
    long covered = log.offsets.values().stream().mapToLong(o -> o + 1).sum();
    assertEquals(RECORDS, covered, "stored offsets cover every record: " + log.offsets);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(CONNECTOR, 2, "not running");
  }

  void failIfAnyTaskFailed() {
    ConnectorStateInfo status;
    try {
      status = connect.connectorStatus(CONNECTOR);
    } catch (RuntimeException e) {
      return; // not known yet
    }
    for (ConnectorStateInfo.TaskState task : status.tasks()) {
      if ("FAILED".equals(task.state())) {
        fail("task " + task.id() + " failed:\n" + task.trace());
      }
    }
  }

  /** What the Delta log says: rows added (from file statistics) and the last stored offsets. */
  static final class Log {
    long records;
    final Map<String, Long> offsets = new TreeMap<>();

    static Log read(Path dir) throws Exception {
      Log log = new Log();
      if (!Files.isDirectory(dir)) {
        return log;
      }
      ObjectMapper json = new ObjectMapper();
      List<Path> commits;
      try (Stream<Path> files = Files.list(dir)) {
        commits = files.filter(f -> f.getFileName().toString().matches("\\d{20}\\.json")).sorted()
            .toList();
      }
      for (Path commit : commits) {
        for (String line : Files.readAllLines(commit)) {
          JsonNode action = json.readTree(line);
          if (action.has("add")) {
            log.records += json.readTree(action.get("add").get("stats").asText())
                .get("numRecords").asLong();
          } else if (action.has("domainMetadata")) {
            JsonNode dm = action.get("domainMetadata");
            log.offsets.put(dm.get("domain").asText(),
                json.readTree(dm.get("configuration").asText()).get("offset").asLong());
          }
        }
      }
      return log;
    }
  }
}
