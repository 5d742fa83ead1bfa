package io.github.deltaconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.pipeline.Pipeline;
import io.github.deltaconnect.sink.testing.TableReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pipeline validate} and {@code apply} against a real worker with the packaged plugin: the
 * example pipeline file's configs are accepted by Connect's validate endpoint, a file with a bad
 * value gets Connect's verdict mapped back to its YAML line, and an applied pipeline runs end to
 * end (events in, rows in the table, bad records in the DLQ), idempotently.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineIT {
  @TempDir
  Path tmp;
  EmbeddedConnectCluster connect;
  String url;

  @BeforeAll
  void start() throws InterruptedException {
    connect = ConnectHarness.start("pipeline", 1);
    url = connect.endpointForResource("").replaceAll("/$", "");
  }

  @AfterAll
  void stop() {
    connect.stop();
  }

  record Run(int status, String out, String err) {}

  Run pipeline(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = new Pipeline(new PrintStream(out, true), new PrintStream(err, true)).run(args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void theExamplePipelineFileRendersConfigsTheWorkerAccepts() {
    Path example = ConnectHarness.projectRoot()
        .resolve("config-examples/pipeline-events-curated.yaml");
    Run r = pipeline("validate", example.toString(), "--connect-url", url);
    assertEquals(0, r.status(), r.out() + r.err());
    assertTrue(r.out().contains("Connect accepts every connector."), r.out());
    assertTrue(r.out().contains("ok     delta.gate.null_rate_user_id.action  <- "
        + "quality.gates[1].action (line 28)"), r.out());
  }

  @Test
  void connectsVerdictIsMappedBackToTheYamlLine() throws Exception {
    // Well-formed for the renderer, refused by the sink's validate(): a null rate above 1.
    Path file = tmp.resolve("bad.yaml");
    Files.writeString(file, """
        pipeline:
          name: bad-gate
        ingestion:
          topics: [orders]
          dead_letter_topic: orders.dlq
        quality:
          gates:
            - metric: null_rate_user_id
              threshold: 3
              action: quarantine
        storage:
          path: %s
        """.formatted(tmp.resolve("bad-table")));
    Run r = pipeline("validate", file.toString(), "--connect-url", url);
    assertEquals(1, r.status(), r.out() + r.err());
    assertTrue(r.out().contains("ERROR  delta.gate.null_rate_user_id.threshold: ")
        && r.out().contains("<- quality.gates[0].threshold (line 9)"), r.out());
  }

  @Test
  void anAppliedPipelineRunsEndToEndAndApplyingAgainChangesNothing() throws Exception {
    String topic = "pipeline.events";
    connect.kafka().createTopic(topic, 2);
    connect.kafka().createTopic("pipeline.dlq", 1);
    Path table = tmp.resolve("curated");
    Path file = tmp.resolve("pipeline.yaml");
    String yaml = """
        pipeline:
          name: events-local
          version: "1.0.0"
          sla:
            freshness: 15m
        ingestion:
          source: kafka
          topics: ["%s"]
          dead_letter_topic: pipeline.dlq
          tasks_max: 2
        transformation:
          engine: spark
          mode: micro_batch
          batch_interval: 2s
          idempotency_key: [event_id, source_system]
          partitions: [partition_date, region]
          derived_partitions:
            partition_date: date(event_ts)
        quality:
          gates:
            - metric: row_count_delta
              threshold: 50
              action: alert
          rules:
            - name: has_user
              type: not_null
              field: user_id
              action: fail
        storage:
          format: delta
          path: %s
          optimize: true
        """.formatted(topic, table);
    Files.writeString(file, yaml);
    try (Producer producer = new Producer(connect)) {
      for (int p = 0; p < 2; p++) {
        for (long seq = 0; seq < 100; seq++) {
          producer.send(topic, p, Events.id(p, seq), seq == 50 ? Events.garbage(seq)
              : Events.good(p, seq));
        }
        producer.send(topic, p, Events.id(p, 10), Events.good(p, 10)); // a duplicate delivery
      }
    }
    Run applied = pipeline("apply", file.toString(), "--connect-url", url);
    assertEquals(0, applied.status(), applied.out() + applied.err());
    assertTrue(applied.out().contains("created connector events-local"), applied.out());
    assertTrue(applied.err().contains("warning: transformation.engine"), applied.err());

    Tables.awaitStoredOffsetsPerPartition(table, "events-local", topic, 100, 100);
    List<Map<String, Object>> rows = new TableReader(Tables.uri(table)).rows();
    assertEquals(2 * 99, rows.size(), "every good event once (the duplicate left out)");
    assertEquals(2, connect.kafka().consume(2, 30_000, "pipeline.dlq").count(),
        "the garbage records in the DLQ");

    Run again = pipeline("apply", file.toString(), "--connect-url", url);
    assertEquals(0, again.status(), again.out() + again.err());
    assertTrue(again.out().contains("unchanged connector events-local"), again.out());

    Files.writeString(file, yaml.replace("batch_interval: 2s", "batch_interval: 3s"));
    Run changed = pipeline("apply", file.toString(), "--connect-url", url);
    assertEquals(0, changed.status(), changed.out() + changed.err());
    assertTrue(changed.out().contains("updated connector events-local (1 change(s))")
        && changed.out().contains("~ delta.flush.interval.ms: 2000 -> 3000"), changed.out());
    connect.assertions().assertConnectorAndAtLeastNumTasksAreRunning("events-local", 1,
        "still running after the update");
    connect.deleteConnector("events-local");
  }
}
