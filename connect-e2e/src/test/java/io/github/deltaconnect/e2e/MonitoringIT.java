package io.github.deltaconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.deltaconnect.sink.testing.TableReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring files against a running worker: every attribute of the sink's MBeans maps to a
 * Prometheus name through docs/monitoring/jmx-exporter.yml (as the JMX exporter formats beans),
 * the values match what was produced, and every sink metric the Grafana dashboard queries exists.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoringIT {
  @TempDir
  Path tmp;
  EmbeddedConnectCluster connect;

  @BeforeAll
  void start() throws InterruptedException {
    connect = ConnectHarness.start("monitoring", 1);
  }

  @AfterAll
  void stop() {
    connect.stop();
  }

  @Test
  void everySinkAttributeMapsToAPrometheusNameWithTheValuesProducedAndTheDashboardQueriesThem()
      throws Exception {
    String topic = "monitored";
    Path table = tmp.resolve("monitored");
    connect.kafka().createTopic(topic, 1);
    connect.kafka().createTopic("monitored-dlq", 1);
    try (Producer producer = new Producer(connect)) {
      for (long seq = 0; seq < 200; seq++) {
        producer.send(topic, 0, Events.id(0, seq), seq % 20 == 7 ? Events.unknownField(0, seq)
            : Events.good(0, seq));
      }
    }
    Map<String, String> config = ConnectHarness.sinkConfig(topic, table, "monitored-dlq");
    config.put("tasks.max", "1");
    config.put("delta.sla.freshness", "1h");
    // OpenLineage events of the packaged plugin (its own classloader) to a receiver in the test.
    List<String> lineage = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/api/v1/lineage", exchange -> {
      lineage.add(new String(exchange.getRequestBody().readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(201, -1);
      exchange.close();
    });
    receiver.start();
    config.put("delta.lineage.openlineage.url", "http://127.0.0.1:"
        + receiver.getAddress().getPort() + "/api/v1/lineage");
    // A quality transform whose one rule every record passes: its beans are checked too.
    config.put("transforms", "dq");
    config.put("transforms.dq.type", "io.github.deltaconnect.quality.QualityRules$Value");
    config.put("transforms.dq.rules", "has_id");
    config.put("transforms.dq.rule.has_id.type", "not_null");
    config.put("transforms.dq.rule.has_id.field", "event_id");
    config.put("transforms.dq.rule.has_id.action", "fail");
    connect.configureConnector("monitored", config);
    Tables.awaitStoredOffsets(() -> new TableReader(Tables.uri(table)), "monitored", topic, 1,
        199);

    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    Set<ObjectName> beans = server.queryNames(new ObjectName(
        "io.github.deltaconnect:type=delta-sink-task-metrics,connector=\"monitored\",*"), null);
    assertEquals(1, beans.size(), beans.toString());
    ObjectName bean = beans.iterator().next();
    // A pipelined commit is counted when the task next polls it (within a second, on its timer).
    Waits.until(java.time.Duration.ofMinutes(1), () -> Long.valueOf(190L).equals(
        server.getAttribute(bean, "RecordsWritten")) ? Boolean.TRUE : null,
        "RecordsWritten never reached 190");
    ExporterRules rules = ExporterRules.load();
    Map<String, Object> metrics = new HashMap<>();
    for (ExporterRules.Sample sample : rules.export(bean)) {
      assertTrue(sample.name().startsWith("deltaconnect_sink_"), sample.name());
      assertEquals(Map.of("connector", "monitored", "task", "0"), sample.labels());
      metrics.put(sample.name(), sample.value());
    }
    for (MBeanAttributeInfo a : server.getMBeanInfo(bean).getAttributes()) {
      assertTrue(metrics.containsKey("deltaconnect_sink_" + a.getName().toLowerCase(Locale.ROOT)),
          a.getName());
    }
    // The values are what was produced: 190 rows, 10 records the sink sent to the DLQ.
    assertEquals(200L, metrics.get("deltaconnect_sink_recordsreceived"));
    assertEquals(190L, metrics.get("deltaconnect_sink_recordswritten"));
    assertEquals(10L, metrics.get("deltaconnect_sink_recordstodlq"));
    assertEquals(10L, metrics.get("deltaconnect_sink_recordstodlqbyunknownfield"));
    assertEquals(0.95, (Double) metrics.get("deltaconnect_sink_dataqualityscore"), 1e-9);
    assertTrue((Long) metrics.get("deltaconnect_sink_bytesin") > 200 * 50,
        "the worker's consumer fetched the records: " + metrics.get("deltaconnect_sink_bytesin"));
    assertTrue((Long) metrics.get("deltaconnect_sink_commitlatencyp50ms")
        <= (Long) metrics.get("deltaconnect_sink_maxcommitms"));
    // One OpenLineage event per commit, from the worker's plugin classloader.
    long commits = (Long) metrics.get("deltaconnect_sink_commits");
    Waits.until(java.time.Duration.ofSeconds(30), () -> lineage.size() >= commits ? Boolean.TRUE
        : null, "lineage events never matched the commits");
    receiver.stop(0);
    assertEquals(commits, lineage.size());
    assertTrue(lineage.get(0).contains("\"eventType\":\"COMPLETE\"")
        && lineage.get(0).contains("\"name\":\"monitored\""), lineage.get(0));
    assertEquals(190, new TableReader(Tables.uri(table)).rows().size());
    assertTrue((Long) metrics.get("deltaconnect_sink_commits") >= 1);
    assertTrue((Long) metrics.get("deltaconnect_sink_freshnessms") >= 0);
    assertEquals(0, metrics.get("deltaconnect_sink_freshnessslabreachedtables"));
    // Every commit has one reason, and the task's threads spent CPU on the records.
    long byReason = 0;
    for (String reason : List.of("records", "bytes", "memory", "interval", "onrebalance",
        "forschemachange")) {
      byReason += (Long) metrics.get("deltaconnect_sink_flushes" + (reason.startsWith("on")
          || reason.startsWith("for") ? "" : "by") + reason);
    }
    assertEquals(metrics.get("deltaconnect_sink_commits"), byReason);
    assertTrue((Long) metrics.get("deltaconnect_sink_taskcpums") > 0);

    // The partition's gauges: the table holds all 200 offsets, which is the log's end.
    ObjectName partition = new ObjectName("io.github.deltaconnect:type=delta-sink-partition-metrics,"
        + "connector=\"monitored\",task=0,topic=\"monitored\",partition=0");
    Waits.until(java.time.Duration.ofMinutes(1), () -> Long.valueOf(0).equals(
        server.getAttribute(partition, "Lag")) ? Boolean.TRUE : null, "Lag never reached 0");
    for (ExporterRules.Sample sample : rules.export(partition)) {
      assertTrue(sample.name().startsWith("deltaconnect_sink_partition_"), sample.name());
      assertEquals(Map.of("connector", "monitored", "task", "0", "topic", "monitored",
          "partition", "0"), sample.labels());
      metrics.put(sample.name(), sample.value());
    }
    assertEquals(200L, metrics.get("deltaconnect_sink_partition_tableoffset"));
    assertEquals(199L, metrics.get("deltaconnect_sink_partition_lastreadoffset"));
    assertEquals(200L, metrics.get("deltaconnect_sink_partition_logendoffset"));
    assertEquals(0L, metrics.get("deltaconnect_sink_partition_pendingrecords"));

    // The quality transform's beans carry the connector and task Connect built it for.
    Set<ObjectName> quality = server.queryNames(new ObjectName(
        "io.github.deltaconnect:type=quality-rules,connector=\"monitored\",*"), null);
    assertEquals(2, quality.size(), "totals and the rule: " + quality);
    for (ObjectName q : quality) {
      for (ExporterRules.Sample sample : rules.export(q)) {
        assertEquals("monitored", sample.labels().get("connector"), sample.toString());
        assertEquals("0", sample.labels().get("task"), sample.toString());
        assertEquals("value", sample.labels().get("role"), sample.toString());
        metrics.put(sample.name(), sample.value());
      }
    }
    assertEquals(200L, metrics.get("deltaconnect_quality_records"));
    assertEquals(200L, metrics.get("deltaconnect_quality_passed"));
    assertEquals(200L, metrics.get("deltaconnect_quality_rule_checked"));

    JsonNode dashboard = new ObjectMapper().readTree(ConnectHarness.projectRoot()
        .resolve("docs/monitoring/grafana-dashboard.json").toFile());
    assertTrue(dashboard.path("panels").size() > 5);
    Set<String> queried = new HashSet<>();
    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertTrue(ids.add(panel.path("id").asInt()), "panel ids are unique");
      assertTrue(panel.path("gridPos").has("w") && panel.path("targets").size() > 0,
          panel.path("title").asText());
      for (JsonNode target : panel.path("targets")) {
        Matcher m = Pattern.compile("deltaconnect_[a-z0-9_]+").matcher(target.path("expr").asText());
        while (m.find()) {
          queried.add(m.group());
        }
      }
    }
    Set<String> converterMetrics = ContractIT.converterMetrics();
    for (String name : queried) {
      if (name.startsWith("deltaconnect_converter_")) {
        assertTrue(converterMetrics.contains(name), "the dashboard queries " + name
            + ", which no converter attribute exports");
      } else {
        assertTrue(metrics.containsKey(name), "the dashboard queries " + name
            + ", which no sink or quality attribute exports");
      }
    }
    connect.deleteConnector("monitored");
  }
}
