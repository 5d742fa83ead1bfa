package io.github.deltaconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.registry.testing.ApicurioRegistry;
import io.github.deltaconnect.contract.testing.Wire;
import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Schema Registry goes down mid-stream and comes back (Apicurio stopped and started on the same
 * port with its data kept): the contract converter fails the task instead of judging records it
 * cannot check, so the outage sends nothing to the DLQ; once the registry is back and the task is
 * restarted through the REST API, every record is in the table or (the deliberately bad ones) in
 * the DLQ, once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryOutageIT {
  static final String TOPIC = "outage-events";
  static final String SUBJECT = TOPIC + "-value";
  static final String CONNECTOR = "outage-sink";
  static final int PER_PHASE = 60;
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir
  Path tmp;
  ApicurioRegistry registry;
  EmbeddedConnectCluster connect;

  @BeforeAll
  void start() throws Exception {
    connect = ConnectHarness.start("registry-outage", 1);
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
  void aRegistryOutageFailsTheTaskAndAfterARestartEveryRecordLandsOnceWithNothingInTheDlqForIt()
      throws Exception {
    registry = new ApicurioRegistry().persistent(tmp.resolve("registry-data")).start();
    int v1 = registry.register(SUBJECT, ContractIT.V1);
    // Registered before the outage but first used after it: the converter has no answer cached
    // for this id, so the first record written with it needs the registry.
    int v2 = registry.register(SUBJECT, ContractIT.V2);
    connect.kafka().createTopic(TOPIC, 1);
    connect.kafka().createTopic(TOPIC + "-dlq", 1);

    Path table = tmp.resolve("table");
    String url = registry.ccompatUrl();
    Map<String, String> config = ContractIT.contractSink(TOPIC, table, TOPIC + "-dlq", url);
    config.put("tasks.max", "1");
    config.put("value.converter.contract.version", "1");
    config.put("delta.flush.size", "20");
    connect.configureConnector(CONNECTOR, config);

    List<String> good = new ArrayList<>();
    Map<Long, String> badByOffset = new TreeMap<>();
    produce(0, v1, ContractIT.parse(ContractIT.V1), good, badByOffset);
    // The table, not Kafka, holds the sink's offsets: phase one is committed up to its last record.
    Tables.awaitStoredOffsetsPerPartition(table, CONNECTOR, TOPIC, PER_PHASE - 1);
    assertEquals(badByOffset, dlq(badByOffset.size()),
        "before the outage only the deliberately bad records are in the DLQ");

    registry.stop();
    long stopped = System.nanoTime();
    produce(PER_PHASE, v2, ContractIT.parse(ContractIT.V2), good, badByOffset);

    // Default retries (5, backoff from 200 ms doubling): a few seconds of waiting, then the task
    // fails rather than sending records it cannot judge to the DLQ.
    ConnectorStateInfo.TaskState failed;
    try {
      failed = Waits.until(TIMEOUT, () -> {
        ConnectorStateInfo.TaskState task = connect.connectorStatus(CONNECTOR).tasks().get(0);
        return "FAILED".equals(task.state()) ? task : null;
      }, "the task never failed while the registry was down");
    } catch (AssertionError e) {
      Map<Long, String> dlq = dlq(0);
      List<Long> goodInDlq = dlq.keySet().stream().filter(o -> !badByOffset.containsKey(o)).toList();
      throw new AssertionError(e.getMessage() + "; meanwhile " + dlq.size() + " records went to"
          + " the DLQ, " + goodInDlq.size() + " of them good (offsets " + goodInDlq + ", the first"
          + " as " + (goodInDlq.isEmpty() ? "-" : dlq.get(goodInDlq.get(0))) + "), and the table"
          + " has " + new TableReader(Tables.uri(table)).rows().size() + " rows", e);
    }
    long failedAfterMs = (System.nanoTime() - stopped) / 1_000_000;
    String trace = failed.trace();
    assertTrue(trace.contains("io.github.deltaconnect.contract.errors.RegistryFailure")
        && trace.contains("The Schema Registry could not answer for schema id " + v2)
        && trace.contains(url), trace);
    Map<Long, String> phaseOneBad = new TreeMap<>(badByOffset);
    phaseOneBad.keySet().removeIf(offset -> offset >= PER_PHASE);
    assertEquals(phaseOneBad, dlq(0), "the outage sent nothing to the DLQ");
    assertEquals(PER_PHASE - phaseOneBad.size(), new TableReader(Tables.uri(table)).rows().size(),
        "nothing of phase two is in the table");

    long restarting = System.nanoTime();
    registry.start();
    long registryUpMs = (System.nanoTime() - restarting) / 1_000_000;
    assertEquals(url, registry.ccompatUrl(), "the registry is back where the converter looks");
    long restarted = System.nanoTime();
    connect.restartTask(CONNECTOR, 0); // POST /connectors/outage-sink/tasks/0/restart
    Tables.awaitStoredOffsetsPerPartition(table, CONNECTOR, TOPIC, 2 * PER_PHASE - 1);
    long caughtUpAfterMs = (System.nanoTime() - restarted) / 1_000_000;
    assertEquals("RUNNING", connect.connectorStatus(CONNECTOR).tasks().get(0).state());

    Map<Long, String> dlq = dlq(badByOffset.size());
    assertEquals(badByOffset, dlq, "the DLQ holds exactly the deliberately bad records, by reason");
    List<Map<String, Object>> rows = new TableReader(Tables.uri(table)).rows();
    TreeMap<String, Integer> idCounts = new TreeMap<>();
    rows.forEach(r -> idCounts.merge((String) r.get("event_id"), 1, Integer::sum));
    assertEquals(new TreeSet<>(good), idCounts.keySet(), "no good record missing, none extra");
    assertEquals(good.size(), rows.size(), "no row twice: " + idCounts);
    assertEquals(2 * PER_PHASE, rows.size() + dlq.size(), "table + DLQ == produced");
    System.out.printf("OUTAGE | produced %d | rows %d | DLQ %d | task FAILED %d ms after the"
        + " registry stopped | registry back in %d ms | table caught up %d ms after the task"
        + " restart%n", 2 * PER_PHASE, rows.size(), dlq.size(), failedAfterMs, registryUpMs,
        caughtUpAfterMs);
    connect.deleteConnector(CONNECTOR);
  }

  /**
   * Records {@code from} to {@code from + PER_PHASE - 1} (offsets = numbers, one partition): good
   * ones written with {@code schemaId}; every tenth (3, 13, ...) bad, alternating bytes that are
   * not the wire format and a schema id the registry does not have. The last one is good, so the
   * table's stored offset reaches it.
   */
  void produce(int from, int schemaId, Schema schema, List<String> good,
      Map<Long, String> badByOffset) {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
      for (int i = from; i < from + PER_PHASE; i++) {
        String id = "evt-" + i;
        byte[] value;
        if (i % 10 == 3 && i % 20 == 3) {
          value = ("{\"event_id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
          badByOffset.put((long) i, "NOT_WIRE_FORMAT");
        } else if (i % 10 == 3) {
          value = Wire.encode(987_654, schema, ContractIT.event(schema, id, i, null));
          badByOffset.put((long) i, "UNKNOWN_SCHEMA_ID");
        } else {
          value = Wire.encode(schemaId, schema, ContractIT.event(schema, id, i, "web"));
          good.add(id);
        }
        producer.send(new ProducerRecord<>(TOPIC, 0, "k" + i, value));
      }
      producer.flush();
    }
  }

  /**
   * The whole DLQ once it holds at least {@code atLeast} records, as source offset → the
   * violation's reason (anything else than a contract violation by its exception class; a record
   * there twice marked so).
   */
  Map<Long, String> dlq(int atLeast) throws Exception {
    if (atLeast > 0) {
      connect.kafka().consume(atLeast, TIMEOUT.toMillis(), TOPIC + "-dlq");
    }
    Map<Long, String> origins = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> r
        : connect.kafka().consumeAll(TIMEOUT.toMillis(), TOPIC + "-dlq")) {
      long offset = Long.parseLong(header(r, "__connect.errors.offset"));
      String message = header(r, "__connect.errors.exception.message");
      String cls = header(r, "__connect.errors.exception.class.name");
      String reason = cls.equals("io.github.deltaconnect.contract.errors.ContractViolation")
          ? message.substring(1, message.indexOf(']')) : cls + ": " + message;
      origins.merge(offset, reason, (first, again) -> "TWICE " + first);
    }
    return origins;
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
