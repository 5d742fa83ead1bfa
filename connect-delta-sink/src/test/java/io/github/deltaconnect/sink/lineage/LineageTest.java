package io.github.deltaconnect.sink.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.metrics.SinkMetrics;
import io.github.deltaconnect.sink.route.TableRouter;
import io.github.deltaconnect.sink.testing.FakeContext;
import io.github.deltaconnect.sink.testing.TableReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OpenLineage run events per commit, received by an HTTP server in the test. */
class LineageTest {
  static final Schema ROW = SchemaBuilder.struct().name("Row")
      .field("id", Schema.STRING_SCHEMA).field("n", Schema.INT32_SCHEMA).build();
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;
  HttpServer receiver;
  final List<JsonNode> events = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  final AtomicInteger status = new AtomicInteger(201);

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/api/v1/lineage", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
      if (status.get() / 100 == 2) {
        events.add(JSON.readTree(new String(body, StandardCharsets.UTF_8)));
      }
      exchange.sendResponseHeaders(status.get(), -1);
      exchange.close();
    });
    receiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.stop(0);
  }

  TableRouter router(SinkMetrics metrics) {
    Map<String, String> p = new HashMap<>();
    p.put(DeltaSinkConfig.TABLE_LOCATION, dir.resolve("table").toString());
    p.put(DeltaSinkConfig.FLUSH_SIZE, "10");
    p.put(DeltaSinkConfig.LINEAGE_URL, "http://127.0.0.1:" + receiver.getAddress().getPort()
        + "/api/v1/lineage");
    p.put(DeltaSinkConfig.LINEAGE_API_KEY, "s3cret-token");
    p.put(DeltaSinkConfig.LINEAGE_NAMESPACE, "connect-prod");
    p.put(DeltaSinkConfig.LINEAGE_KAFKA_NAMESPACE, "kafka://broker:9092");
    DeltaSinkConfig config = new DeltaSinkConfig(p);
    return new TableRouter(config, new FakeContext(true),
        DeltaTable.open(config, dir.resolve("table").toString()), "orders-sink", 0, metrics,
        new AtomicLong(1_000_000)::get);
  }

  static List<SinkRecord> records(String topic, int partition, long from, long to) {
    List<SinkRecord> out = new ArrayList<>();
    for (long o = from; o < to; o++) {
      out.add(new SinkRecord(topic, partition, null, null, ROW,
          new Struct(ROW).put("id", topic + o).put("n", (int) o), o));
    }
    return out;
  }

  static Set<String> lineageThreads() {
    return threads("delta-sink-lineage-");
  }

  static Set<String> threads(String prefix) {
    Set<String> names = new TreeSet<>();
    Thread.getAllStackTraces().keySet().forEach(t -> {
      if (t.getName().startsWith(prefix)) {
        names.add(t.getName());
      }
    });
    return names;
  }

  @Test
  void everyCommitIsAnnouncedWithItsTopicsOffsetsTableVersionSchemaAndRows() throws Exception {
    Set<String> httpThreadsBefore = threads("HttpClient-");
    SinkMetrics metrics = new SinkMetrics();
    TableRouter router = router(metrics);
    List<TopicPartition> tps = List.of(new TopicPartition("orders", 0),
        new TopicPartition("refunds", 1));
    router.open(tps);
    List<SinkRecord> batch = new ArrayList<>(records("orders", 0, 0, 6));
    batch.addAll(records("refunds", 1, 100, 104));
    batch.addAll(records("orders", 0, 6, 16)); // the first commit: 10 rows; then 10 more
    router.put(batch);
    router.close(tps);
    router.stop(); // sends what is queued, then stops the sender thread
    assertTrue(lineageThreads().isEmpty(), "the task's lineage thread stopped: " + lineageThreads());
    // No HTTP client thread outlives the task (the JDK 17 HttpClient's selector would).
    assertTrue(httpThreadsBefore.containsAll(threads("HttpClient-")), threads("HttpClient-")
        .toString());

    TableReader table = new TableReader(DeltaTable.qualify(dir.resolve("table").toString()));
    long commits = table.snapshot().getVersion() + 1;
    assertEquals(commits, events.size(), "one event per commit");
    assertEquals(commits, metrics.getLineageEventsSent());
    assertEquals(0, metrics.getLineageEventsFailed());
    assertTrue(authorizations.stream().allMatch("Bearer s3cret-token"::equals), authorizations.toString());

    long rows = 0;
    Set<Long> versions = new TreeSet<>();
    Map<String, String> offsets = new HashMap<>();
    for (JsonNode e : events) {
      assertEquals("COMPLETE", e.path("eventType").asText());
      assertTrue(e.path("producer").asText().startsWith("https://"), e.toString());
      assertTrue(e.path("schemaURL").asText().contains("openlineage.io"), e.toString());
      assertFalse(e.path("eventTime").asText().isEmpty());
      assertEquals("connect-prod", e.path("job").path("namespace").asText());
      assertEquals("orders-sink", e.path("job").path("name").asText());
      for (JsonNode input : e.path("inputs")) {
        assertEquals("kafka://broker:9092", input.path("namespace").asText());
      }
      JsonNode output = e.path("outputs").get(0);
      assertEquals("file", output.path("namespace").asText());
      assertEquals(dir.resolve("table").toAbsolutePath().toString(), output.path("name").asText());
      List<String> fields = new ArrayList<>();
      output.path("facets").path("schema").path("fields")
          .forEach(f -> fields.add(f.path("name").asText()));
      assertEquals(List.of("id", "n"), fields);
      versions.add(output.path("facets").path("version").path("datasetVersion").asLong());
      rows += output.path("outputFacets").path("outputStatistics").path("rowCount").asLong();
      e.path("run").path("facets").path("kafkaOffsets").path("offsets").fields()
          .forEachRemaining(f -> offsets.merge(f.getKey(), f.getValue().asText(),
              (a, b) -> a + "," + b));
    }
    Set<Long> expectedVersions = new TreeSet<>();
    for (long v = 0; v < commits; v++) {
      expectedVersions.add(v);
    }
    assertEquals(expectedVersions, versions, "each event names the version it committed");
    assertEquals(20, rows);
    assertEquals(table.rows().size(), rows);
    // The batches' offset ranges, partition by partition, cover exactly what was written.
    assertEquals(Set.of("orders-0", "refunds-1"), offsets.keySet());
    assertTrue(offsets.get("refunds-1").equals("100..103"), offsets.toString());
    assertTrue(offsets.get("orders-0").startsWith("0..") && offsets.get("orders-0").endsWith("..15"),
        offsets.toString());
  }

  @Test
  void aFailingReceiverIsCountedAndNeverFailsTheCommits() throws Exception {
    status.set(503);
    SinkMetrics metrics = new SinkMetrics();
    TableRouter router = router(metrics);
    TopicPartition tp = new TopicPartition("orders", 0);
    router.open(List.of(tp));
    router.put(records("orders", 0, 0, 30));
    router.close(List.of(tp));
    router.stop();
    TableReader table = new TableReader(DeltaTable.qualify(dir.resolve("table").toString()));
    assertEquals(30, table.rows().size(), "every commit landed");
    long commits = table.snapshot().getVersion() + 1;
    assertEquals(commits, metrics.getLineageEventsFailed());
    assertEquals(0, metrics.getLineageEventsSent());
  }

  @Test
  void datasetNamesFollowOpenLineageNaming() {
    assertEquals(List.of("s3://lake", "curated/events"),
        List.of(LineageEmitter.dataset("s3a://lake/curated/events")));
    assertEquals(List.of("file", "/var/lib/delta/events"),
        List.of(LineageEmitter.dataset("file:/var/lib/delta/events")));
    assertEquals(List.of("abfss://c@acct.dfs.core.windows.net", "/t"),
        List.of(LineageEmitter.dataset("abfss://c@acct.dfs.core.windows.net/t")));
  }
}
