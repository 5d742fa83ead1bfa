package io.github.deltaconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.registry.testing.ApicurioRegistry;
import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract converter in front of the Delta sink, against a real Schema Registry (Apicurio, in a
 * child JVM): registered, compatible writers land in the table under the contract schema; every
 * other record lands in the dead-letter topic with its reason; table + DLQ == produced.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContractIT {
  static final String TOPIC = "contract-events";
  static final String SUBJECT = TOPIC + "-value";
  static final String V1 = "{\"type\":\"record\",\"name\":\"Event\",\"namespace\":\"shop\",\"fields\":["
      + "{\"name\":\"event_id\",\"type\":\"string\"},"
      + "{\"name\":\"source_system\",\"type\":\"string\"},"
      + "{\"name\":\"region\",\"type\":[\"null\",\"string\"],\"default\":null},"
      + "{\"name\":\"event_ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
      + "{\"name\":\"amount\",\"type\":\"double\"}]}";
  /** v1 + an optional field: compatible. */
  static final String V2 = V1.replace("\"double\"}]}",
      "\"double\"},{\"name\":\"channel\",\"type\":[\"null\",\"string\"],\"default\":null}]}");
  /** amount becomes a string: incompatible with the contract in both directions. */
  static final String V3 = V2.replace("\"amount\",\"type\":\"double\"", "\"amount\",\"type\":\"string\"");
  static final String STRANGER = "{\"type\":\"record\",\"name\":\"Stranger\",\"fields\":["
      + "{\"name\":\"event_id\",\"type\":\"string\"}]}";
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  @TempDir
  Path tmp;
  ApicurioRegistry registry;
  EmbeddedConnectCluster connect;

  @BeforeAll
  void start() throws Exception {
    registry = new ApicurioRegistry();
    registry.start();
    connect = ConnectHarness.start("contracts", 1);
  }

  @AfterAll
  void stop() throws Exception {
    if (connect != null) {
      connect.stop();
    }
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void onlyRegisteredCompatibleRecordsLandAndEveryOtherRecordReachesTheDlqWithItsReason()
      throws Exception {
    registry.setCompatibility(SUBJECT, "BACKWARD");
    int v1 = registry.register(SUBJECT, V1);
    int v2 = registry.register(SUBJECT, V2);
    registry.setCompatibility(SUBJECT, "NONE"); // a producer forces a breaking change through
    int v3 = registry.register(SUBJECT, V3);
    registry.setCompatibility(SUBJECT, "BACKWARD");
    int stranger = registry.register("somebody-else-value", STRANGER);

    Schema s1 = parse(V1);
    Schema s2 = parse(V2);
    Schema s3 = parse(V3);
    List<String> good = new ArrayList<>();
    Map<String, Integer> badByReason = new TreeMap<>();
    connect.kafka().createTopic(TOPIC, 2);
    connect.kafka().createTopic(TOPIC + "-dlq", 1);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (int i = 0; i < 300; i++) {
        String id = "evt-" + i;
        int partition = i % 2;
        byte[] value;
        switch (i % 10) {
          case 0, 1, 2, 3 -> value = io.github.deltaconnect.contract.testing.Wire.encode(v1, s1,
              event(s1, id, i, null));
          case 4, 5, 6, 7 -> value = io.github.deltaconnect.contract.testing.Wire.encode(v2, s2,
              event(s2, id, i, "web"));
          case 8 -> {
            String reason = new String[] {"INCOMPATIBLE", "UNKNOWN_SCHEMA_ID", "NOT_REGISTERED",
                "NOT_WIRE_FORMAT", "CORRUPT"}[(i / 10) % 5];
            value = bad(reason, v1, v3, stranger, s1, s3, id, i);
            badByReason.merge(reason, 1, Integer::sum);
            id = null;
          }
          default -> value = io.github.deltaconnect.contract.testing.Wire.encode(v2, s2,
              event(s2, id, i, null));
        }
        if (id != null) {
          good.add(id);
        }
        producer.send(new ProducerRecord<>(TOPIC, partition, "k" + i, value));
      }
      producer.flush();
    }

    Path table = tmp.resolve("contracted");
    Map<String, String> config =
        contractSink(TOPIC, table, TOPIC + "-dlq", registry.ccompatUrl());
    config.put("value.converter.contract.version", "2");
    config.put("delta.flush.size", "100");
    connect.configureConnector("contract-sink", config);

    int badCount = badByReason.values().stream().mapToInt(Integer::intValue).sum();
    ConsumerRecords<byte[], byte[]> dlq = connect.kafka().consume(badCount, 120_000, TOPIC + "-dlq");
    // The last record of partition 0 (i = 298) is a bad one: it never reaches the sink, so the
    // table's offset for partition 0 ends at the last good record (i = 296, offset 148).
    Tables.awaitStoredOffsetsPerPartition(table, "contract-sink", TOPIC, 148, 149);

    Map<String, Integer> dlqByReason = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> r : dlq) {
      Header message = r.headers().lastHeader("__connect.errors.exception.message");
      Header cls = r.headers().lastHeader("__connect.errors.exception.class.name");
      String text = new String(message.value(), StandardCharsets.UTF_8);
      assertEquals("io.github.deltaconnect.contract.errors.ContractViolation",
          new String(cls.value(), StandardCharsets.UTF_8), text);
      assertTrue(text.startsWith("["), text);
      dlqByReason.merge(text.substring(1, text.indexOf(']')), 1, Integer::sum);
    }
    assertEquals(badByReason, dlqByReason, "each bad record in the DLQ, with its reason");

    List<Map<String, Object>> rows = new TableReader(Tables.uri(table)).rows();
    assertEquals(good.size(), rows.size(), "table rows + DLQ == produced");
    Map<String, Map<String, Object>> byId = new HashMap<>();
    rows.forEach(r -> byId.put((String) r.get("event_id"), r));
    assertEquals(new java.util.TreeSet<>(good), new java.util.TreeSet<>(byId.keySet()));
    for (String id : good) {
      int i = Integer.parseInt(id.substring(4));
      Map<String, Object> row = byId.get(id);
      assertEquals(i * 0.25, (Double) row.get("amount"), 1e-9, row.toString());
      assertEquals((T0 + i * 1000L) * 1000, row.get("event_ts"), row.toString());
      if (i % 10 >= 4 && i % 10 <= 7) {
        assertEquals("web", row.get("channel"), row.toString());
      } else {
        assertNull(row.get("channel"), "v1 rows get the contract's default: " + row);
      }
    }
    assertConverterBeans("contract-sink", good.size(), badCount);
    connect.deleteConnector("contract-sink");
  }

  @Test
  void aContractRuleRoutesRecordsThatBreakItToTheDlq() throws Exception {
    String topic = "contract-rules";
    String subject = topic + "-value";
    int v1 = registry.register(subject, V1);
    // Apicurio drops rule sets on registration, so the contract comes from a local registration
    // file (same JSON shape); writer schemas are still checked against the registry.
    Path contract = tmp.resolve("contract.json");
    java.nio.file.Files.writeString(contract, "{\"schema\":"
        + com.fasterxml.jackson.databind.node.TextNode.valueOf(V1) + ",\"ruleSet\":{\"domainRules\":["
        + "{\"name\":\"amountNotNegative\",\"kind\":\"CONDITION\",\"type\":\"CEL\","
        + "\"mode\":\"READ\",\"expr\":\"message.amount >= 0.0\",\"onFailure\":\"DLQ\"}]}}");
    connect.kafka().createTopic(topic, 1);
    connect.kafka().createTopic(topic + "-dlq", 1);
    Schema s1 = parse(V1);
    List<String> good = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (int i = 0; i < 50; i++) {
        GenericRecord r = event(s1, "r-" + i, i, null);
        if (i % 5 == 4) {
          r.put("amount", -1.0);
        } else {
          good.add("r-" + i);
        }
        producer.send(new ProducerRecord<>(topic, 0, "k" + i,
            io.github.deltaconnect.contract.testing.Wire.encode(v1, s1, r)));
      }
      producer.flush();
    }
    Path table = tmp.resolve("ruled");
    Map<String, String> config =
        contractSink(topic, table, topic + "-dlq", registry.ccompatUrl());
    config.put("tasks.max", "1");
    config.put("value.converter.contract.file", contract.toString());
    connect.configureConnector("rules-sink", config);

    ConsumerRecords<byte[], byte[]> dlq = connect.kafka().consume(10, 120_000, topic + "-dlq");
    Tables.awaitStoredOffsetsPerPartition(table, "rules-sink", topic, 48);
    for (ConsumerRecord<byte[], byte[]> r : dlq) {
      String text = new String(r.headers().lastHeader("__connect.errors.exception.message").value(),
          StandardCharsets.UTF_8);
      assertTrue(text.startsWith("[RULE_FAILED] rule 'amountNotNegative'"), text);
    }
    List<Map<String, Object>> rows = new TableReader(Tables.uri(table)).rows();
    assertEquals(new java.util.TreeSet<>(good),
        rows.stream().map(r -> (String) r.get("event_id")).collect(
            java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
    assertEquals(good.size(), rows.size());
    connect.deleteConnector("rules-sink");
  }

  @Test
  void withoutErrorToleranceABadRecordStopsTheTaskWithItsReason() throws Exception {
    String topic = "contract-strict";
    connect.kafka().createTopic(topic, 1);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      producer.send(new ProducerRecord<>(topic, 0, "k", "not avro".getBytes(StandardCharsets.UTF_8)));
      producer.flush();
    }
    Map<String, String> config =
        contractSink(topic, tmp.resolve("strict"), "unused", registry.ccompatUrl());
    config.put("tasks.max", "1");
    config.remove("errors.tolerance");
    config.remove("errors.deadletterqueue.topic.name");
    config.remove("errors.deadletterqueue.topic.replication.factor");
    config.remove("errors.deadletterqueue.context.headers.enable");
    connect.configureConnector("strict-sink", config);
    connect.assertions().assertConnectorIsRunningAndTasksHaveFailed("strict-sink", 1,
        "a bad record must stop the task when errors are not tolerated");
    String trace = connect.connectorStatus("strict-sink").tasks().get(0).trace();
    assertTrue(trace.contains("[NOT_WIRE_FORMAT] first byte is 0x6e"), trace);
    connect.deleteConnector("strict-sink");
  }

  @Test
  void anUnreachableRegistryFailsTheTaskAndSendsNothingToTheDlq() throws Exception {
    String topic = "contract-outage";
    connect.kafka().createTopic(topic, 1);
    connect.kafka().createTopic(topic + "-dlq", 1);
    Schema s1 = parse(V1);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>(topic, 0, "k" + i,
            io.github.deltaconnect.contract.testing.Wire.encode(1, s1, event(s1, "o-" + i, i, null))));
      }
      producer.flush();
    }
    Path table = tmp.resolve("outage");
    int deadPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      deadPort = socket.getLocalPort(); // closed again: nothing listens there
    }
    Map<String, String> config =
        contractSink(topic, table, topic + "-dlq", "http://127.0.0.1:" + deadPort);
    config.put("tasks.max", "1");
    config.put("value.converter.schema.registry.retries", "1");
    config.put("value.converter.schema.registry.retry.backoff.ms", "10");
    connect.configureConnector("outage-sink", config);

    connect.assertions().assertConnectorIsRunningAndTasksHaveFailed("outage-sink", 1,
        "the task must fail when the registry cannot be reached");
    String trace = connect.connectorStatus("outage-sink").tasks().get(0).trace();
    assertTrue(trace.contains("RegistryFailure") && trace.contains("could not answer"), trace);
    assertEquals(0, connect.kafka().consumeAll(3_000, topic + "-dlq").count(),
        "an outage is not bad data: nothing in the DLQ");
    assertTrue(!java.nio.file.Files.exists(table.resolve("_delta_log")), "nothing written");
    connect.deleteConnector("outage-sink");
  }

  /**
   * The metric names the exporter gives the converter's attributes: its MBean interface, loaded
   * from the packaged plugin (the plugins' classes are not on the tests' classpath).
   */
  static java.util.Set<String> converterMetrics() throws Exception {
    java.util.List<java.net.URL> jars = new java.util.ArrayList<>();
    for (Path jar : ConnectHarness.pluginJars()) {
      jars.add(jar.toUri().toURL());
    }
    try (var loader = new java.net.URLClassLoader(jars.toArray(new java.net.URL[0]), null)) {
      Class<?> mbean = Class.forName(
          "io.github.deltaconnect.contract.metrics.ConverterMetricsMBean", false, loader);
      return java.util.Arrays.stream(mbean.getMethods())
          .filter(m -> m.getName().startsWith("get"))
          .map(m -> "deltaconnect_converter_"
              + m.getName().substring(3).toLowerCase(java.util.Locale.ROOT))
          .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }
  }

  /**
   * The converter's beans on the worker carry the connector and task Connect created them for,
   * every attribute maps through the exporter rules, and the counts cover what was produced.
   */
  static void assertConverterBeans(String connector, long accepted, long rejected)
      throws Exception {
    javax.management.MBeanServer server =
        java.lang.management.ManagementFactory.getPlatformMBeanServer();
    java.util.Set<javax.management.ObjectName> beans = server.queryNames(
        new javax.management.ObjectName("io.github.deltaconnect:type=contract-converter,connector=\""
            + connector + "\",role=value,*"), null);
    assertTrue(!beans.isEmpty(), "no converter beans for " + connector);
    ExporterRules rules = ExporterRules.load();
    java.util.Set<String> names = converterMetrics();
    Map<String, Long> sums = new TreeMap<>();
    for (javax.management.ObjectName bean : beans) {
      for (ExporterRules.Sample sample : rules.export(bean)) {
        assertTrue(names.contains(sample.name()), sample.toString());
        assertEquals(connector, sample.labels().get("connector"), sample.toString());
        assertTrue(sample.labels().get("task").matches("\\d+"), sample.toString());
        sums.merge(sample.name(), ((Number) sample.value()).longValue(), Long::sum);
      }
    }
    // At least: a rebalance (another test's connector coming or going on this worker) makes the
    // tasks read again from the group's offsets, and records read again are converted again.
    long acceptedSeen = sums.get("deltaconnect_converter_acceptedrecords");
    long rejectedSeen = sums.get("deltaconnect_converter_rejectedrecords");
    assertTrue(acceptedSeen >= accepted && acceptedSeen < 2 * accepted, sums.toString());
    assertTrue(rejectedSeen >= rejected && rejectedSeen < 2 * rejected, sums.toString());
  }

  /** The Delta sink behind the contract converter, reading {@code topic} into {@code table}. */
  static Map<String, String> contractSink(String topic, Path table, String dlq,
      String registryUrl) {
    Map<String, String> config = ConnectHarness.sinkConfig(topic, table, dlq);
    config.put("value.converter", "io.github.deltaconnect.contract.ContractConverter");
    config.remove("value.converter.schemas.enable");
    config.put("value.converter.schema.registry.url", registryUrl);
    config.put("delta.partition.fields", "partition_date");
    return config;
  }

  static byte[] bad(String reason, int v1, int v3, int stranger, Schema s1, Schema s3, String id,
      int i) {
    return switch (reason) {
      case "INCOMPATIBLE" -> {
        GenericRecord r = new GenericData.Record(s3);
        r.put("event_id", id);
        r.put("source_system", "pos");
        r.put("event_ts", T0);
        r.put("amount", "lots");
        yield io.github.deltaconnect.contract.testing.Wire.encode(v3, s3, r);
      }
      case "UNKNOWN_SCHEMA_ID" -> io.github.deltaconnect.contract.testing.Wire.encode(987_654, s1,
          event(s1, id, i, null));
      case "NOT_REGISTERED" -> {
        Schema s = parse(STRANGER);
        GenericRecord r = new GenericData.Record(s);
        r.put("event_id", id);
        yield io.github.deltaconnect.contract.testing.Wire.encode(stranger, s, r);
      }
      case "NOT_WIRE_FORMAT" -> ("{\"event_id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
      default -> {
        byte[] whole = io.github.deltaconnect.contract.testing.Wire.encode(v1, s1,
            event(s1, id, i, null));
        yield Arrays.copyOf(whole, whole.length - 4); // truncated in flight
      }
    };
  }

  static GenericRecord event(Schema schema, String id, int i, String channel) {
    GenericRecord r = new GenericData.Record(schema);
    r.put("event_id", id);
    r.put("source_system", "pos");
    r.put("region", i % 3 == 0 ? null : "eu");
    r.put("event_ts", T0 + i * 1000L);
    r.put("amount", i * 0.25);
    if (schema.getField("channel") != null) {
      r.put("channel", channel);
    }
    return r;
  }

  static Schema parse(String s) {
    return new Schema.Parser().parse(s);
  }

  KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(), new ByteArraySerializer());
  }
}
