package io.github.deltaconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * delta.write.mode=upsert in a real Connect cluster, fed Debezium's default JSON (key and value
 * with schemas, as the PostgreSQL connector writes them) without any transform: a snapshot phase,
 * creates, updates, deletes followed by tombstones, and a connector restart that re-sends the last
 * changes. The table ends equal to the source table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CdcIT {
  static final int PARTITIONS = 2;
  static final String TOPIC = "dbserver1.inventory.customers";

  @TempDir
  Path tmp;
  EmbeddedConnectCluster connect;
  final long[] sent = new long[PARTITIONS];
  /** The source table: id → (email, version). */
  final Map<Integer, List<Object>> source = new TreeMap<>();
  final List<String[]> history = new ArrayList<>(); // {key, value, partition} as sent
  long lsn = 1000;

  @BeforeAll
  void start() throws InterruptedException {
    connect = ConnectHarness.start("cdc", 1);
  }

  @AfterAll
  void stop() {
    connect.stop();
  }

  static String key(int id) {
    return "{\"schema\":{\"type\":\"struct\",\"name\":\"dbserver1.inventory.customers.Key\","
        + "\"optional\":false,\"fields\":[{\"field\":\"id\",\"type\":\"int32\","
        + "\"optional\":false}]},\"payload\":{\"id\":" + id + "}}";
  }

  static final String ROW_FIELDS = "[{\"field\":\"id\",\"type\":\"int32\",\"optional\":false},"
      + "{\"field\":\"email\",\"type\":\"string\",\"optional\":true},"
      + "{\"field\":\"version\",\"type\":\"int32\",\"optional\":false}]";

  static String image(Integer id, String email, int version) {
    return id == null ? "null" : "{\"id\":" + id + ",\"email\":\"" + email + "\",\"version\":"
        + version + "}";
  }

  /** A Debezium PostgreSQL envelope, schema included, as the JSON converter writes it. */
  static String envelope(String op, String before, String after, long lsn) {
    String row = "{\"type\":\"struct\",\"name\":\"dbserver1.inventory.customers.Value\","
        + "\"optional\":true,\"fields\":" + ROW_FIELDS + "}";
    String schema = "{\"type\":\"struct\",\"name\":\"dbserver1.inventory.customers.Envelope\","
        + "\"optional\":false,\"fields\":["
        + row.replaceFirst("\\{", "{\"field\":\"before\",") + ","
        + row.replaceFirst("\\{", "{\"field\":\"after\",") + ","
        + "{\"field\":\"source\",\"type\":\"struct\",\"name\":\"io.debezium.connector.postgresql"
        + ".Source\",\"optional\":false,\"fields\":[{\"field\":\"connector\",\"type\":\"string\","
        + "\"optional\":false},{\"field\":\"ts_ms\",\"type\":\"int64\",\"optional\":false},"
        + "{\"field\":\"lsn\",\"type\":\"int64\",\"optional\":true}]},"
        + "{\"field\":\"op\",\"type\":\"string\",\"optional\":false},"
        + "{\"field\":\"ts_ms\",\"type\":\"int64\",\"optional\":true}]}";
    String payload = "{\"before\":" + before + ",\"after\":" + after
        + ",\"source\":{\"connector\":\"postgresql\",\"ts_ms\":" + (lsn * 10) + ",\"lsn\":" + lsn
        + "},\"op\":\"" + op + "\",\"ts_ms\":" + (lsn * 10 + 3) + "}";
    return "{\"schema\":" + schema + ",\"payload\":" + payload + "}";
  }

  void send(Producer producer, int id, String value) {
    int partition = id % PARTITIONS; // Debezium keys by primary key: one key, one partition
    producer.send(TOPIC, partition, key(id), value);
    history.add(new String[] {key(id), value, Integer.toString(partition)});
    sent[partition]++;
  }

  void change(Producer producer, Random random) {
    int id = 1 + random.nextInt(150);
    List<Object> now = source.get(id);
    lsn++;
    if (now == null) {
      source.put(id, List.of("c" + id + "@" + lsn, 1));
      send(producer, id, envelope("c", "null", image(id, "c" + id + "@" + lsn, 1), lsn));
    } else if (random.nextInt(5) == 0) {
      source.remove(id);
      send(producer, id, envelope("d", image(id, (String) now.get(0), (Integer) now.get(1)),
          "null", lsn));
      send(producer, id, null); // the tombstone Debezium sends after a delete
    } else {
      int version = (Integer) now.get(1) + 1;
      source.put(id, List.of("c" + id + "@" + lsn, version));
      send(producer, id, envelope("u", image(id, (String) now.get(0), (Integer) now.get(1)),
          image(id, "c" + id + "@" + lsn, version), lsn));
    }
  }

  @Test
  void debeziumJsonWithoutTransformsEndsEqualToTheSourceThroughARestartThatResends()
      throws Exception {
    String connector = "customers-cdc";
    Path table = tmp.resolve("customers");
    connect.kafka().createTopic(TOPIC, PARTITIONS);
    connect.kafka().createTopic("customers-dlq", 1);
    Random random = new Random(3);
    try (Producer producer = new Producer(connect)) {
      for (int id = 1; id <= 100; id++) { // the snapshot: op r, all at the snapshot's lsn
        source.put(id, List.of("c" + id + "@0", 0));
        send(producer, id, envelope("r", "null", image(id, "c" + id + "@0", 0), lsn));
      }
      for (int i = 0; i < 400; i++) {
        change(producer, random);
      }
    }

    Map<String, String> config = ConnectHarness.sinkConfig(TOPIC, table, "customers-dlq");
    config.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
    config.put("key.converter.schemas.enable", "true");
    config.remove("delta.partition.derived");
    config.put("delta.partition.fields", "");
    config.put("delta.flush.size", "120");
    config.put("delta.write.mode", "upsert");
    config.put("delta.upsert.order.field", "source.lsn");
    connect.configureConnector(connector, config);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(connector, 2, "not running");
    awaitAll(table, connector);

    // Debezium restarts and re-sends the changes after its last flushed source offset: the last
    // 80 records again (deletes and tombstones included), then carries on.
    try (Producer producer = new Producer(connect)) {
      List<String[]> replay = new ArrayList<>(history.subList(history.size() - 80,
          history.size()));
      for (String[] r : replay) {
        int partition = Integer.parseInt(r[2]);
        producer.send(TOPIC, partition, r[0], r[1]);
        sent[partition]++;
      }
      for (int i = 0; i < 200; i++) {
        change(producer, random);
      }
    }
    connect.restartConnectorAndTasks(connector, false, true, false);
    awaitAll(table, connector);

    Map<Integer, List<Object>> rows = new TreeMap<>();
    for (Map<String, Object> row : new TableReader(Tables.uri(table)).rows()) {
      List<Object> before = rows.put((Integer) row.get("id"),
          Arrays.asList(row.get("email"), row.get("version")));
      assertNull(before, "two rows with id " + row.get("id"));
    }
    assertEquals(source, rows, "the table is the source table");
    assertTrue(source.size() > 50 && source.size() < 150, "deletes and creates both happened");
    assertEquals(0, connect.kafka().consumeAll(10_000, "customers-dlq").count(),
        "nothing went to the DLQ");
    connect.deleteConnector(connector);
  }

  void awaitAll(Path table, String connector) throws Exception {
    long[] last = new long[PARTITIONS];
    for (int p = 0; p < PARTITIONS; p++) {
      last[p] = sent[p] - 1;
    }
    Tables.awaitStoredOffsetsPerPartition(table, connector, TOPIC, last);
  }
}
