package io.github.deltaconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.testing.TableReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;
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
 * The quality SMT ({@code QualityRules$Value}, from the packaged plugin) in front of the Delta
 * sink: a {@code fail} rule sends its records to the dead-letter topic with a message naming rule,
 * field and value; a {@code drop} rule filters its records out; a {@code tag} rule lets its
 * records through. When several rules are violated the strongest action wins.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QualityRulesIT {
  static final String TOPIC = "quality-orders";
  static final String DLQ = TOPIC + "-dlq";
  static final String CONNECTOR = "quality-sink";
  static final int RECORDS = 60;
  static final int PARTITIONS = 2;
  static final String SCHEMA = "{\"type\":\"struct\",\"name\":\"Order\",\"optional\":false,"
      + "\"fields\":["
      + "{\"field\":\"event_id\",\"type\":\"string\",\"optional\":false},"
      + "{\"field\":\"region\",\"type\":\"string\",\"optional\":true},"
      + "{\"field\":\"amount\",\"type\":\"double\",\"optional\":true},"
      + "{\"field\":\"email\",\"type\":\"string\",\"optional\":true},"
      + "{\"field\":\"event_ts\",\"type\":\"int64\",\"optional\":false,"
      + "\"name\":\"org.apache.kafka.connect.data.Timestamp\",\"version\":1}]}";

  /** What the rules should do with a record. */
  enum Fate { PASS, TAG, DROP, FAIL }

  @TempDir
  Path tmp;
  EmbeddedConnectCluster connect;

  @BeforeAll
  void start() throws InterruptedException {
    connect = ConnectHarness.start("quality", 1);
  }

  @AfterAll
  void stop() {
    if (connect != null) {
      connect.stop();
    }
  }

  /**
   * Record i (partition i % 2, offset i / 2): every 10th from 3 has a negative amount (fail; from
   * 13 every 20th also an unknown region: fail still wins); every 10th from 6 an unknown region
   * (drop); every 10th from 8 a malformed email (tag; from 8 every 20th also an unknown region:
   * drop wins). Every 10th from 1 has no email: null passes the regex. The last record of each
   * partition (58 tagged, 59 passed) lands, so the table's stored offsets end at the last offset.
   */
  static Fate fate(int i) {
    return switch (i % 10) {
      case 3 -> Fate.FAIL;
      case 6 -> Fate.DROP;
      case 8 -> i % 20 == 8 ? Fate.DROP : Fate.TAG;
      default -> Fate.PASS;
    };
  }

  static String id(int i) {
    return "q-" + i;
  }

  static String value(int i) {
    boolean badAmount = i % 10 == 3;
    boolean badRegion = i % 10 == 6 || i % 20 == 13 || i % 20 == 8;
    String email = i % 10 == 1 ? "null" : i % 10 == 8 ? "\"user" + i + " at example.com\""
        : "\"user" + i + "@example.com\"";
    double amount = badAmount ? -5.0 : i * 1.5;
    String region = badRegion ? "mars" : new String[] {"eu", "us", "apac"}[i % 3];
    return "{\"schema\":" + SCHEMA + ",\"payload\":{"
        + "\"event_id\":\"" + id(i) + "\","
        + "\"region\":\"" + region + "\","
        + "\"amount\":" + String.format(Locale.ROOT, "%.1f", amount) + ","
        + "\"email\":" + email + ","
        + "\"event_ts\":" + (Events.T0 + i * 1_000L) + "}}";
  }

  /** The Delta sink with the quality SMT: three of config-examples/quality-rules.json's rules. */
  static Map<String, String> qualitySink(Path table) {
    Map<String, String> config = ConnectHarness.sinkConfig(TOPIC, table, DLQ);
    config.put("delta.flush.size", "20");
    config.put("transforms", "dq");
    config.put("transforms.dq.type", "io.github.deltaconnect.quality.QualityRules$Value");
    config.put("transforms.dq.rules", "amount_range,known_region,email_shape");
    config.put("transforms.dq.rule.amount_range.type", "range");
    config.put("transforms.dq.rule.amount_range.field", "amount");
    config.put("transforms.dq.rule.amount_range.min", "0");
    config.put("transforms.dq.rule.amount_range.action", "fail");
    config.put("transforms.dq.rule.known_region.type", "allowed");
    config.put("transforms.dq.rule.known_region.field", "region");
    config.put("transforms.dq.rule.known_region.values", "eu,us,apac");
    config.put("transforms.dq.rule.known_region.action", "drop");
    config.put("transforms.dq.rule.email_shape.type", "regex");
    config.put("transforms.dq.rule.email_shape.field", "email");
    config.put("transforms.dq.rule.email_shape.pattern", "[^@\\s]+@[^@\\s]+");
    config.put("transforms.dq.rule.email_shape.action", "tag");
    return config;
  }

  @Test
  void failedRecordsReachTheDlqNamingRuleAndFieldDroppedOnesVanishAndTaggedOnesLand()
      throws Exception {
    connect.kafka().createTopic(TOPIC, PARTITIONS);
    connect.kafka().createTopic(DLQ, 1);
    Map<Fate, Set<Integer>> expected = new TreeMap<>();
    try (Producer producer = new Producer(connect)) {
      for (int i = 0; i < RECORDS; i++) {
        Fate fate = fate(i);
        expected.computeIfAbsent(fate, f -> new TreeSet<>()).add(i);
        producer.send(TOPIC, i % PARTITIONS, "k" + i, value(i));
      }
    }
    int failed = expected.get(Fate.FAIL).size();
    int dropped = expected.get(Fate.DROP).size();
    int tagged = expected.get(Fate.TAG).size();
    int passed = expected.get(Fate.PASS).size();
    assertEquals(List.of(6, 9, 3, 42), List.of(failed, dropped, tagged, passed), "the plan");

    Path table = tmp.resolve("orders");
    connect.configureConnector(CONNECTOR, qualitySink(table));

    // Done when the table stores the last offset of each partition (a record that lands).
    Tables.awaitStoredOffsets(table, CONNECTOR, TOPIC, PARTITIONS, RECORDS / PARTITIONS - 1);

    // (a) every failing record is in the DLQ, pointing at the original, naming rule and field.
    connect.kafka().consume(failed, 15_000, DLQ);
    ConsumerRecords<byte[], byte[]> dlq = connect.kafka().consumeAll(2_000, DLQ); // no more
    Set<Integer> inDlq = new TreeSet<>();
    for (ConsumerRecord<byte[], byte[]> r : dlq) {
      assertEquals(TOPIC, header(r, "__connect.errors.topic"));
      int partition = Integer.parseInt(header(r, "__connect.errors.partition"));
      long offset = Long.parseLong(header(r, "__connect.errors.offset"));
      int i = (int) offset * PARTITIONS + partition;
      String origin = TOPIC + "-" + partition + "@" + offset;
      assertTrue(new String(r.value(), StandardCharsets.UTF_8).contains("\"" + id(i) + "\""),
          origin + " carries the original value");
      assertEquals("TRANSFORMATION", header(r, "__connect.errors.stage"), origin);
      assertEquals("io.github.deltaconnect.quality.QualityRules$Value",
          header(r, "__connect.errors.class.name"), origin);
      assertEquals("org.apache.kafka.connect.errors.DataException",
          header(r, "__connect.errors.exception.class.name"), origin);
      assertEquals("Quality check failed for " + origin + ": rule amount_range (range on amount):"
          + " amount is -5.0, below the minimum 0", header(r, "__connect.errors.exception.message"),
          "only the failing rule is named, even when a drop rule is violated too");
      assertTrue(inDlq.add(i), origin + " reached the DLQ twice");
    }
    assertEquals(expected.get(Fate.FAIL), inDlq, "the failed records, each once");

    // (b) the table holds exactly the passed and the tagged records, each once.
    List<Map<String, Object>> rows = new TableReader(Tables.uri(table)).rows();
    Map<String, Long> counts = rows.stream().collect(Collectors.groupingBy(
        r -> (String) r.get("event_id"), TreeMap::new, Collectors.counting()));
    Set<String> landed = new TreeSet<>();
    expected.get(Fate.PASS).forEach(i -> landed.add(id(i)));
    expected.get(Fate.TAG).forEach(i -> landed.add(id(i)));
    assertEquals(landed, counts.keySet(), "passed + tagged, nothing else");
    assertEquals(Set.of(1L), Set.copyOf(counts.values()), "each once: " + counts);
    for (Map<String, Object> row : rows) {
      int i = Integer.parseInt(((String) row.get("event_id")).substring(2));
      assertEquals(i * 1.5, (Double) row.get("amount"), 1e-9, row.toString());
      assertEquals(i % 10 == 1 ? null : i % 10 == 8 ? "user" + i + " at example.com"
          : "user" + i + "@example.com", row.get("email"), row.toString());
    }

    // (c) nothing is lost: table + DLQ + dropped == produced.
    assertEquals(RECORDS, rows.size() + inDlq.size() + dropped,
        "table " + rows.size() + " + DLQ " + inDlq.size() + " + dropped " + dropped);

    // (d) the transform's own counters agree (the embedded worker runs in this JVM), under beans
    // named by the connector and task Connect built the transform for.
    String beans = "io.github.deltaconnect:type=quality-rules,connector=\"" + CONNECTOR
        + "\",task=*,role=value,";
    Map<String, Long> totals = counters(beans + "*",
        false, "Records", "Passed", "Tagged", "Dropped", "Failed");
    assertEquals(Map.of("Records", (long) RECORDS, "Passed", (long) passed, "Tagged",
        (long) tagged, "Dropped", (long) dropped, "Failed", (long) failed), totals);
    assertEquals(Map.of("Checked", (long) RECORDS, "Violated", 12L, "Dropped", (long) dropped),
        counters(beans + "rule=known_region,*",
            true, "Checked", "Violated", "Dropped"),
        "known_region: 6 alone and 3 with a bad email dropped, 3 with a bad amount failed");
    assertEquals(Map.of("Violated", (long) failed, "Failed", (long) failed),
        counters(beans + "rule=amount_range,*",
            true, "Violated", "Failed"));
    assertEquals(Map.of("Violated", 6L, "Tagged", (long) tagged),
        counters(beans + "rule=email_shape,*",
            true, "Violated", "Tagged"), "3 tagged, 3 dropped for their region");
    connect.deleteConnector(CONNECTOR);
  }

  @Test
  void theConfigExampleStartsItsTasksSoItsRulePropertiesAreValid() throws Exception {
    // The validate endpoint does not know the rule.<name>.* properties (PluginPackagingIT checks
    // the rest): their errors show when a task configures the transform.
    String topic = "quality-example";
    connect.kafka().createTopic(topic, 2);
    Map<String, String> config = ConfigExamples.load("quality-rules.json");
    config.put("topics", topic);
    config.put("delta.table.location", tmp.resolve("example").toString());
    config.put("errors.deadletterqueue.topic.name", topic + "-dlq");
    connect.configureConnector(topic, config);
    // Fails fast with the task's trace instead of waiting for RUNNING to time out.
    List<String> states = Waits.until(java.time.Duration.ofSeconds(60), () -> {
      var status = connect.connectorStatus(topic);
      List<String> tasks = status.tasks().stream()
          .map(t -> t.state() + ("FAILED".equals(t.state()) ? ": " + t.trace() : "")).toList();
      boolean settled = tasks.size() == 2
          && tasks.stream().allMatch(t -> t.startsWith("RUNNING") || t.startsWith("FAILED"));
      return settled ? tasks : null;
    }, "the example's tasks never started");
    assertEquals(List.of("RUNNING", "RUNNING"), states, "the example's quality rules configure");
    connect.deleteConnector(topic);
  }

  /** The attributes summed over the transform instances (one per task) matching {@code pattern}. */
  static Map<String, Long> counters(String pattern, boolean perRule, String... attributes)
      throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    Set<ObjectName> names = server.queryNames(new ObjectName(pattern), null).stream()
        .filter(n -> (n.getKeyProperty("rule") != null) == perRule).collect(Collectors.toSet());
    assertTrue(!names.isEmpty(), "no MBeans match " + pattern);
    Map<String, Long> sums = new TreeMap<>();
    for (ObjectName name : names) {
      for (String attribute : attributes) {
        sums.merge(attribute, ((Number) server.getAttribute(name, attribute)).longValue(),
            Long::sum);
      }
    }
    return sums;
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    assertNotNull(h, name + " missing");
    return new String(h.value(), StandardCharsets.UTF_8);
  }
}
