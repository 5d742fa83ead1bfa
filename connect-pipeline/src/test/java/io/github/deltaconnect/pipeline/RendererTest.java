package io.github.deltaconnect.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.pipeline.render.Connector;
import io.github.deltaconnect.pipeline.render.Message;
import io.github.deltaconnect.pipeline.render.Renderer;
import io.github.deltaconnect.pipeline.spec.PipelineFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline file → connector config mapping, and every error and warning it reports. */
class RendererTest {
  static final Path EXAMPLE = Path.of("../config-examples/pipeline-events-curated.yaml");

  @TempDir
  Path dir;

  Renderer.Result render(String yaml) throws Exception {
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, yaml);
    return Renderer.render(PipelineFile.read(file));
  }

  /** A valid minimal file with {@code extra} appended under the given sections. */
  static String minimal(String extra) {
    return """
        pipeline:
          name: orders
        ingestion:
          topics: [orders]
          dead_letter_topic: orders.dlq
        storage:
          path: /lake/orders
        """ + extra;
  }

  static List<String> errors(Renderer.Result r) {
    return r.messages().stream().filter(m -> m.level() == Message.Level.ERROR)
        .map(Message::toString).toList();
  }

  static Map<String, Message> warnings(Renderer.Result r) {
    return r.messages().stream().filter(m -> m.level() == Message.Level.WARNING)
        .collect(Collectors.toMap(Message::path, m -> m));
  }

  @Test
  void theIssuesExampleRendersOneSinkWithEveryMappedKeyAndItsOrigin() throws Exception {
    Renderer.Result r = Renderer.render(PipelineFile.read(EXAMPLE));
    assertTrue(r.ok(), r.messages().toString());
    assertEquals(1, r.connectors().size());
    Connector c = r.connectors().get(0);
    assertEquals("events-curated", c.name());
    Map<String, String> cfg = c.config();
    assertEquals("io.github.deltaconnect.sink.DeltaSinkConnector", cfg.get("connector.class"));
    assertEquals("events.raw.v1,events.raw.v2", cfg.get("topics"));
    assertEquals("io.github.deltaconnect.contract.ContractConverter", cfg.get("value.converter"));
    assertEquals("http://sr.internal:8081", cfg.get("value.converter.schema.registry.url"));
    assertEquals("events.dlq", cfg.get("errors.deadletterqueue.topic.name"));
    assertEquals("all", cfg.get("errors.tolerance"));
    assertEquals("300000", cfg.get("delta.flush.interval.ms"));
    assertEquals("event_id,source_system", cfg.get("delta.idempotency.key"));
    assertEquals("partition_date,region", cfg.get("delta.partition.fields"));
    assertEquals("s3://warehouse/curated/events/", cfg.get("delta.table.location"));
    assertEquals("true", cfg.get("delta.compaction.enabled"));
    assertEquals("15m", cfg.get("delta.sla.freshness"));
    assertEquals("row_count_delta,null_rate_user_id,schema_hash", cfg.get("delta.gates"));
    assertEquals("0.15", cfg.get("delta.gate.row_count_delta.threshold"));
    assertEquals("halt_and_alert", cfg.get("delta.gate.row_count_delta.action"));
    assertEquals("quarantine", cfg.get("delta.gate.null_rate_user_id.action"));
    assertEquals("registry_validation", cfg.get("delta.gate.schema_hash.action"));
    assertEquals("http://sr.internal:8081", cfg.get("delta.gates.registry.url"));
    // Each property says which line produced it.
    assertEquals("transformation.batch_interval (line 17)",
        c.originOf("delta.flush.interval.ms"));
    assertEquals("quality.gates[1].action (line 28)",
        c.originOf("delta.gate.null_rate_user_id.action"));
    // Every key of the file that does not apply is a warning with its reason.
    Map<String, Message> w = warnings(r);
    assertEquals(java.util.Set.of("pipeline.version", "pipeline.owner",
        "pipeline.sla.availability", "ingestion.consumer_group", "transformation.engine",
        "transformation.checkpoint_path", "storage.time_travel", "storage.partition_evolution",
        "observability.metrics[1]", "observability.alerts.slack",
        "observability.alerts.pagerduty"), w.keySet());
    assertTrue(w.get("transformation.engine").text().contains("inside Kafka Connect"));
    assertEquals(15, w.get("transformation.engine").line());
    assertTrue(w.get("observability.metrics[1]").text().contains("spark_executor_failure_rate"));
  }

  @Test
  void unknownKeysAreErrorsWithPathAndLine() throws Exception {
    Renderer.Result r = render(minimal("""
        transformation:
          batch_intervall: 5m
        """));
    assertEquals(List.of("error: transformation.batch_intervall (line 9): unknown key"
        + " 'batch_intervall' in transformation (known: batch_interval, checkpoint_path,"
        + " derived_partitions, engine, idempotency_key, max_batch_records, mode, partitions)"),
        errors(r));
    assertTrue(r.connectors().isEmpty(), "nothing rendered while there is an error");
    assertEquals(List.of("error: sinks (line 8): unknown key 'sinks' (known: ingestion,"
        + " observability, pipeline, quality, storage, transformation)"),
        errors(render(minimal("sinks: []\n"))));
  }

  @Test
  void badDurationsAreErrorsWithPathAndLine() throws Exception {
    assertEquals(List.of("error: pipeline.sla.freshness (line 4): 'fifteen minutes' is not a"
        + " duration (e.g. 500ms, 30s, 15m, 2h, 1d)"), errors(render("""
        pipeline:
          name: orders
          sla:
            freshness: fifteen minutes
        ingestion:
          topics: [orders]
          dead_letter_topic: orders.dlq
        storage:
          path: /lake/orders
        """)));
    assertEquals(List.of("error: transformation.batch_interval (line 9): '0s': must be more"
        + " than zero"), errors(render(minimal("transformation:\n  batch_interval: 0s\n"))));
  }

  @Test
  void badValuesAreErrorsWithPathAndLine() throws Exception {
    List<String> e = errors(render(minimal("""
        transformation:
          mode: streaming
        quality:
          gates:
            - metric: null_rate_user_id
              threshold: two percent
              action: quarantine
            - metric: rows_per_minute
            - metric: schema_hash
              action: registry_validation
        """).replace("path: /lake/orders", "path: /lake/orders\n  format: parquet")));
    assertEquals(List.of(
        "error: transformation.mode (line 10): 'streaming': the sink commits micro-batches (mode:"
            + " micro_batch)",
        "error: storage.format (line 8): 'parquet': this bundle writes Delta tables (format: delta)",
        "error: quality.gates[0].threshold (line 14): 'two percent' is not a number",
        "error: quality.gates[1].metric (line 16): unknown gate metric 'rows_per_minute'"
            + " (row_count, row_count_delta, null_rate_<field>, schema_hash, data_quality_score,"
            + " min_<field>, max_<field>)",
        "error: quality.gates[2].action (line 18): registry_validation needs"
            + " ingestion.schema_registry"), e);
  }

  @Test
  void missingSectionsAndNamesAreErrors() throws Exception {
    assertEquals(List.of("error: storage: section storage: is required"),
        errors(render("pipeline:\n  name: x\ningestion:\n  topics: [a]\n"
            + "  dead_letter_topic: d\n")));
    assertEquals(List.of("error: pipeline.name (line 2): 'bad name!' cannot name a connector"
        + " (letters, digits, '.', '_', '-')"), errors(render(minimal("")
        .replace("name: orders", "name: bad name!"))));
    assertEquals(List.of("error: ingestion.topics (line 4): at least one topic is required"),
        errors(render(minimal("").replace("topics: [orders]", "topics: []"))));
  }

  @Test
  void credentialsInThePathOrAWebhookAreRefusedWithoutEchoingThem() throws Exception {
    List<String> e = errors(render(minimal("""
        observability:
          alerts:
            webhook: https://user:pw@hooks.example.com/x
        """).replace("path: /lake/orders", "path: s3a://AKIA:secret@bucket/t")));
    assertEquals(2, e.size(), e.toString());
    assertTrue(e.stream().noneMatch(m -> m.contains("secret") || m.contains("pw@")), e.toString());
  }

  @Test
  void rulesBecomeTheQualityTransformChainAndDerivedPartitionsAndWebhooksMap() throws Exception {
    Renderer.Result r = render(minimal("""
        transformation:
          partitions: [partition_date, region]
          derived_partitions:
            partition_date: date(event_ts)
        quality:
          rules:
            - name: amount_range
              type: range
              field: amount
              min: 0
              action: fail
            - name: known_region
              type: allowed
              field: region
              values: [eu-west, us-east]
              action: drop
        observability:
          alerts:
            slack: https://hooks.slack.com/services/T/B/x
        """).replace("path: /lake/orders", "path: /lake/orders\n  schema_evolution: add_columns"));
    assertTrue(r.ok(), r.messages().toString());
    assertEquals("add-columns", r.connectors().get(0).config().get("delta.schema.evolution"));
    Map<String, String> cfg = r.connectors().get(0).config();
    assertEquals("partition_date=date(event_ts)", cfg.get("delta.partition.derived"));
    assertEquals("dq", cfg.get("transforms"));
    assertEquals("io.github.deltaconnect.quality.QualityRules$Value",
        cfg.get("transforms.dq.type"));
    assertEquals("amount_range,known_region", cfg.get("transforms.dq.rules"));
    assertEquals("0", cfg.get("transforms.dq.rule.amount_range.min"));
    assertEquals("eu-west,us-east", cfg.get("transforms.dq.rule.known_region.values"));
    assertEquals("https://hooks.slack.com/services/T/B/x",
        cfg.get("delta.gates.alert.webhook.url"));
    assertEquals("org.apache.kafka.connect.json.JsonConverter", cfg.get("value.converter"));
  }

  @Test
  void badRulesAreErrorsWithPathAndLine() throws Exception {
    List<String> e = errors(render(minimal("""
        quality:
          rules:
            - name: spend
              type: cel
              expression: message.amount > 0
            - type: not_null
              field: user_id
        """)));
    assertEquals(2, e.size(), e.toString());
    assertTrue(e.get(0).startsWith("error: quality.rules[0].expression (line 12): unknown rule"
        + " property 'expression'"), e.get(0));
    assertTrue(e.get(0).contains("expr,"), e.get(0));
    assertTrue(e.get(1).startsWith("error: quality.rules[1] (line 13): each rule needs a distinct"
        + " name"), e.get(1));
  }

  @Test
  void aLocalContractAndReplaceReplaysMap() throws Exception {
    Renderer.Result r = render(minimal("").replace("dead_letter_topic: orders.dlq",
        "dead_letter_topic: orders.dlq\n  contract_file: /etc/contracts/orders.json\n"
            + "  replay: replace").replace("path: /lake/orders",
        "path: /lake/orders\n  lineage_columns: true"));
    assertTrue(r.ok(), r.messages().toString());
    Map<String, String> cfg = r.connectors().get(0).config();
    assertEquals("io.github.deltaconnect.contract.ContractConverter", cfg.get("value.converter"));
    assertEquals("/etc/contracts/orders.json", cfg.get("value.converter.contract.file"));
    assertEquals("replace", cfg.get("delta.replay.mode"));
    assertEquals("true", cfg.get("delta.metadata.columns"));
    assertEquals(List.of("error: ingestion.replay (line 6): 'rewind': append or replace"),
        errors(render(minimal("").replace("dead_letter_topic: orders.dlq",
            "dead_letter_topic: orders.dlq\n  replay: rewind"))));
  }

  /** Each remaining error branch: the YAML to splice into a valid file, and the message start. */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "source: files|ingestion.source (line 6): 'files': only kafka is a source here",
      "tasks_max: 0|ingestion.tasks_max (line 6): 0 is out of range [1, 1024]",
      "tasks_max: many|ingestion.tasks_max (line 6): 'many' is not a whole number",
      "schema_registry: ftp://sr|ingestion.schema_registry (line 6): 'ftp://sr' is not an"
          + " http(s) URL",
      "contract_file: ''|ingestion.contract_file (line 6): the path of a contract file",
      "topics: [ 'bad topic' ]|ingestion.topics (line 6): 'bad topic' is not a Kafka topic name"})
  void everyIngestionValueIsChecked(String yaml, String message) throws Exception {
    String file = minimal("").replace("dead_letter_topic: orders.dlq",
        "dead_letter_topic: orders.dlq\n  " + yaml);
    if (yaml.startsWith("topics:")) {
      file = file.replace("  topics: [orders]\n", "");
      message = message.replace("line 6", "line 5");
    }
    List<String> e = errors(render(file));
    assertEquals(1, e.size(), e.toString());
    assertTrue(e.get(0).startsWith("error: " + message), e.get(0));
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "time_travel: maybe|storage.time_travel (line 8): 'maybe': true or false",
      "optimize: yes please|storage.optimize (line 8): 'yes please': true or false",
      "schema_evolution: drop_columns|storage.schema_evolution (line 8): 'drop_columns': none"
          + " or add_columns",
      "lineage_columns: 1|storage.lineage_columns (line 8): '1': true or false"})
  void everyStorageValueIsChecked(String yaml, String message) throws Exception {
    List<String> e = errors(render(minimal("").replace("path: /lake/orders",
        "path: /lake/orders\n  " + yaml)));
    assertEquals(List.of("error: " + message), e);
  }

  @Test
  void transformationAndGateValuesAreChecked() throws Exception {
    List<String> e = errors(render(minimal("""
        transformation:
          idempotency_key: []
          max_batch_records: -5
          derived_partitions:
            partition_date: event_ts + 1
        quality:
          gates:
            - metric: row_count
              action: explode
            - name: twice
              metric: row_count
            - name: twice
              metric: schema_hash
        """)));
    assertEquals(List.of(
        "error: transformation.max_batch_records (line 10): -5 is out of range [1, 2147483647]",
        "error: transformation.idempotency_key (line 9): an empty idempotency_key: name the"
            + " fields that identify a record",
        "error: transformation.derived_partitions.partition_date (line 12): 'event_ts + 1': a"
            + " function of one field, e.g. date(event_ts)",
        "error: quality.gates[0].action (line 16): 'explode': one of alert, halt_and_alert,"
            + " quarantine, registry_validation",
        "error: quality.gates[2].name (line 19): gate name 'twice' is invalid or used twice; give"
            + " each gate a distinct name:"), e);
  }

  @Test
  void warningsForAMissingDlqTimeTravelOffAndAChannelName() throws Exception {
    Renderer.Result r = render(minimal("""
        observability:
          metrics: [kafka_lag, gpu_temperature]
        """).replace("  dead_letter_topic: orders.dlq\n", "")
        .replace("path: /lake/orders", "path: /lake/orders\n  time_travel: false"));
    assertTrue(r.ok(), r.messages().toString());
    Map<String, Message> w = warnings(r);
    assertTrue(w.get("ingestion").text().contains("errors.tolerance=none"), w.toString());
    assertTrue(w.get("storage.time_travel").text().contains("cannot be turned off"),
        w.toString());
    assertTrue(w.get("observability.metrics[1]").text().contains("gpu_temperature"),
        w.toString());
    assertEquals(3, w.size(), w.toString());
  }

  @Test
  void unreadableYamlNamesTheLine() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "pipeline:\n  name: [unclosed\n");
    PipelineFile.Unreadable e = org.junit.jupiter.api.Assertions.assertThrows(
        PipelineFile.Unreadable.class, () -> PipelineFile.read(file));
    assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    Files.writeString(file, "pipeline:\n  name: a\n  name: b\n");
    assertTrue(org.junit.jupiter.api.Assertions.assertThrows(PipelineFile.Unreadable.class,
        () -> PipelineFile.read(file)).getMessage().contains("duplicate"));
  }

  @Test
  void theCommandLineExitsWithTheRightStatus() throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    Pipeline cli = new Pipeline(new java.io.PrintStream(out, true),
        new java.io.PrintStream(err, true));
    assertEquals(0, cli.run("render", EXAMPLE.toString()));
    assertTrue(out.toString().contains("\"name\" : \"events-curated\""), out.toString());
    assertTrue(err.toString().contains("warning: transformation.engine (line 15)"));
    assertEquals(2, cli.run("render"));
    assertEquals(2, cli.run("validate", EXAMPLE.toString()), "validate needs --connect-url");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, minimal("transformation:\n  mode: streaming\n"));
    assertEquals(1, cli.run("render", bad.toString()));
    assertEquals(3, cli.run("validate", EXAMPLE.toString(), "--connect-url",
        "http://127.0.0.1:9"), "Connect unreachable");
  }
}
