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

  record Rule(Pattern pattern, String name, Map<String, String> labels) {}

  /** The rules of the exporter file: pattern, name and labels, in order. */
  static List<Rule> rules() throws Exception {
    List<Rule> out = new ArrayList<>();
    Pattern pattern = null;
    String name = null;
    Map<String, String> labels = new HashMap<>();
    for (String line : Files.readAllLines(ConnectHarness.projectRoot()
        .resolve("docs/monitoring/jmx-exporter.yml"))) {
      String t = line.trim();
      if (t.startsWith("- pattern:")) {
        if (pattern != null) {
          out.add(new Rule(pattern, name, labels));
        }
        pattern = Pattern.compile(unquote(t.substring("- pattern:".length()).trim()));
        name = null;
        labels = new HashMap<>();
      } else if (t.startsWith("name:")) {
        name = t.substring("name:".length()).trim();
      } else if (pattern != null && t.matches("\\w+: \".*\"")) {
        labels.put(t.substring(0, t.indexOf(':')), unquote(t.substring(t.indexOf(':') + 1).trim()));
      }
    }
    if (pattern != null) {
      out.add(new Rule(pattern, name, labels));
    }
    return out;
  }

  static String unquote(String s) {
    return (s.startsWith("'") || s.startsWith("\"")) ? s.substring(1, s.length() - 1) : s;
  }

  /** The bean as the JMX exporter writes it for matching: domain<k=v, k=v><>attribute. */
  static String exporterForm(ObjectName name, String attribute) {
    String props = name.getKeyPropertyListString().replace(",", ", ");
    return name.getDomain() + "<" + props + "><>" + attribute;
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
    List<Rule> rules = rules();
    Map<String, Object> metrics = new HashMap<>();
    for (MBeanAttributeInfo a : server.getMBeanInfo(bean).getAttributes()) {
      String form = exporterForm(bean, a.getName());
      Rule rule = rules.stream().filter(r -> r.pattern().matcher(form).matches()).findFirst()
          .orElseThrow(() -> new AssertionError("no exporter rule matches " + form));
      Matcher m = rule.pattern().matcher(form);
      assertTrue(m.matches());
      String name = m.replaceFirst(rule.name()).toLowerCase(Locale.ROOT);
      assertEquals("deltaconnect_sink_" + a.getName().toLowerCase(Locale.ROOT), name);
      assertEquals("monitored", m.replaceFirst(rule.labels().get("connector")));
      assertEquals("0", m.replaceFirst(rule.labels().get("task")));
      metrics.put(name, server.getAttribute(bean, a.getName()));
    }
    // The values are what was produced: 190 rows, 10 records the sink sent to the DLQ.
    assertEquals(190L, metrics.get("deltaconnect_sink_recordswritten"));
    assertEquals(10L, metrics.get("deltaconnect_sink_recordstodlq"));
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
        Matcher m = Pattern.compile("deltaconnect_[a-z_]+").matcher(target.path("expr").asText());
        while (m.find()) {
          queried.add(m.group());
        }
      }
    }
    for (String name : queried) {
      if (name.startsWith("deltaconnect_sink_")) {
        assertTrue(metrics.containsKey(name), "the dashboard queries " + name
            + ", which no sink attribute exports");
      } else {
        assertTrue(name.startsWith("deltaconnect_converter_")
            || name.startsWith("deltaconnect_quality_"), name);
      }
    }
    connect.deleteConnector("monitored");
  }
}
