package io.github.deltaconnect.pipeline.render;

import io.github.deltaconnect.pipeline.spec.Entry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pipeline file → connector configs for the bundle: the Delta sink with the contract converter,
 * the quality rules transform, the DLQ, gates, partitioning, idempotency, freshness SLA and
 * alerts. Every key is either mapped (docs/pipeline-files.md lists them) or reported: a warning
 * says why a key does not apply to Kafka Connect, an error names the path and line of an unknown
 * key or a bad value, and nothing is rendered while there is an error.
 */
public final class Renderer {
  static final String SINK = "io.github.deltaconnect.sink.DeltaSinkConnector";
  static final String CONTRACT_CONVERTER = "io.github.deltaconnect.contract.ContractConverter";
  static final String QUALITY_RULES = "io.github.deltaconnect.quality.QualityRules$Value";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,248}");
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
  private static final Set<String> GATE_ACTIONS =
      Set.of("halt_and_alert", "quarantine", "alert", "registry_validation");
  /** The quality transform's per-rule properties (QualityRulesConfig), '_' for '.' in YAML. */
  private static final Set<String> RULE_PROPERTIES = Set.of("type", "field", "fields", "action",
      "min", "max", "min.inclusive", "max.inclusive", "pattern", "values", "min.length",
      "max.length", "max.age.ms", "max.future.ms", "unit", "expr", "show.value");

  private final List<Message> messages = new ArrayList<>();
  private final Map<String, String> config = new LinkedHashMap<>();
  private final Map<String, Connector.Origin> origins = new LinkedHashMap<>();

  /** What rendering produced: connectors (none when there are errors) and every message. */
  public record Result(List<Connector> connectors, List<Message> messages) {
    public boolean ok() {
      return messages.stream().noneMatch(m -> m.level() == Message.Level.ERROR);
    }
  }

  private Renderer() {}

  public static Result render(Entry root) {
    return new Renderer().run(root);
  }

  private Result run(Entry root) {
    Map<String, Entry> top = root.map();
    allow(root, "pipeline", "ingestion", "transformation", "quality", "storage", "observability");
    config.put("connector.class", SINK);
    String name = pipeline(top.get("pipeline"));
    ingestion(top.get("ingestion"));
    transformation(top.get("transformation"));
    storage(top.get("storage"));
    quality(top.get("quality"), top.get("ingestion"));
    observability(top.get("observability"));
    boolean ok = messages.stream().noneMatch(m -> m.level() == Message.Level.ERROR);
    List<Connector> out = ok && name != null
        ? List.of(new Connector(name, config, origins)) : List.of();
    return new Result(out, List.copyOf(messages));
  }

  // ---- sections ----

  private String pipeline(Entry e) {
    if (required(e, "pipeline")) {
      return null;
    }
    allow(e, "name", "version", "owner", "sla");
    Map<String, Entry> m = e.map();
    String name = null;
    Entry n = m.get("name");
    if (n == null || n.text() == null) {
      error(e, "pipeline.name is required: it names the connector");
    } else if (!NAME.matcher(n.text()).matches()) {
      error(n, "'" + n.text() + "' cannot name a connector (letters, digits, '.', '_', '-')");
    } else {
      name = n.text();
      put("delta.connector.id", name, n);
    }
    for (String info : List.of("version", "owner")) {
      if (m.containsKey(info)) {
        warn(m.get(info), "informational: Kafka Connect has no place for it in a connector's"
            + " config (keep it in the file, under version control)");
      }
    }
    Entry sla = m.get("sla");
    if (sla != null && mapOrError(sla)) {
      allow(sla, "freshness", "availability");
      Entry f = sla.map().get("freshness");
      if (f != null && duration(f) != null) {
        put("delta.sla.freshness", f.text().trim(), f);
      }
      if (sla.map().containsKey("availability")) {
        warn(sla.map().get("availability"), "not enforced by a connector: Connect restarts failed"
            + " tasks per errors.retry.*; watch the task state and the dashboard instead");
      }
    }
    return name;
  }

  private void ingestion(Entry e) {
    if (required(e, "ingestion")) {
      return;
    }
    allow(e, "source", "topics", "consumer_group", "schema_registry", "contract_file",
        "dead_letter_topic", "tasks_max", "replay");
    Map<String, Entry> m = e.map();
    Entry source = m.get("source");
    if (source != null && !"kafka".equals(source.text())) {
      error(source, "'" + source.text() + "': only kafka is a source here");
    }
    Entry topics = m.get("topics");
    List<String> names = topics == null ? List.of() : strings(topics);
    if (topics == null || names.isEmpty()) {
      error(topics == null ? e : topics, "at least one topic is required");
    } else {
      for (String t : names) {
        if (!t.matches("[A-Za-z0-9._-]{1,249}")) {
          error(topics, "'" + t + "' is not a Kafka topic name");
        }
      }
      put("topics", String.join(",", names), topics);
    }
    Entry tasks = m.get("tasks_max");
    if (tasks != null) {
      Long n = integer(tasks, 1, 1024);
      if (n != null) {
        put("tasks.max", Long.toString(n), tasks);
      }
    } else {
      config.put("tasks.max", "1");
    }
    if (m.containsKey("consumer_group")) {
      warn(m.get("consumer_group"), "not applied: Kafka Connect names a sink's group"
          + " connect-<connector name>, and its offsets API works on that group (the sink keeps"
          + " its exact offsets in the Delta log in any case)");
    }
    config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    Entry registry = m.get("schema_registry");
    Entry contract = m.get("contract_file");
    if (registry != null && url(registry) != null) {
      put("value.converter", CONTRACT_CONVERTER, registry);
      put("value.converter.schema.registry.url", registry.text().trim(), registry);
    }
    if (contract != null) {
      if (contract.text() == null || contract.text().isBlank()) {
        error(contract, "the path of a contract file (.avsc, or a registration .json with"
            + " schema and ruleSet)");
      } else {
        put("value.converter", CONTRACT_CONVERTER, contract);
        put("value.converter.contract.file", contract.text().trim(), contract);
      }
    }
    if (registry == null && contract == null) {
      config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
      config.put("value.converter.schemas.enable", "true");
    }
    Entry replay = m.get("replay");
    if (replay != null) {
      if ("append".equals(replay.text()) || "replace".equals(replay.text())) {
        put("delta.replay.mode", replay.text(), replay);
      } else {
        error(replay, "'" + replay.text() + "': append or replace");
      }
    }
    Entry dlq = m.get("dead_letter_topic");
    if (dlq != null) {
      if (dlq.text() == null || !dlq.text().matches("[A-Za-z0-9._-]{1,249}")) {
        error(dlq, "'" + dlq.text() + "' is not a Kafka topic name");
      } else {
        put("errors.tolerance", "all", dlq);
        put("errors.deadletterqueue.topic.name", dlq.text(), dlq);
        put("errors.deadletterqueue.context.headers.enable", "true", dlq);
      }
    } else {
      warn(e, "no dead_letter_topic: a record that cannot be written stops the task"
          + " (errors.tolerance=none)");
    }
  }

  private void transformation(Entry e) {
    if (e == null || !mapOrError(e)) {
      return;
    }
    allow(e, "engine", "mode", "batch_interval", "idempotency_key", "checkpoint_path",
        "partitions", "derived_partitions", "max_batch_records");
    Map<String, Entry> m = e.map();
    if (m.containsKey("engine")) {
      warn(m.get("engine"), "'" + m.get("engine").text() + "' is not used: records are"
          + " converted, checked and written inside Kafka Connect (converter, transforms, sink)");
    }
    Entry mode = m.get("mode");
    if (mode != null && !"micro_batch".equals(mode.text())) {
      error(mode, "'" + mode.text() + "': the sink commits micro-batches (mode: micro_batch)");
    }
    Entry interval = m.get("batch_interval");
    if (interval != null) {
      Long ms = duration(interval);
      if (ms != null) {
        put("delta.flush.interval.ms", Long.toString(ms), interval);
      }
    }
    Entry size = m.get("max_batch_records");
    if (size != null) {
      Long n = integer(size, 1, Integer.MAX_VALUE);
      if (n != null) {
        put("delta.flush.size", Long.toString(n), size);
      }
    }
    Entry key = m.get("idempotency_key");
    if (key != null) {
      List<String> fields = strings(key);
      if (fields.isEmpty()) {
        error(key, "an empty idempotency_key: name the fields that identify a record");
      } else {
        put("delta.idempotency.key", String.join(",", fields), key);
      }
    }
    if (m.containsKey("checkpoint_path")) {
      warn(m.get("checkpoint_path"), "not needed: the sink stores its Kafka offsets in the Delta"
          + " log, in the same commit as the data");
    }
    Entry partitions = m.get("partitions");
    if (partitions != null) {
      List<String> cols = strings(partitions);
      if (!cols.isEmpty()) {
        put("delta.partition.fields", String.join(",", cols), partitions);
      }
    }
    Entry derived = m.get("derived_partitions");
    if (derived != null && mapOrError(derived)) {
      List<String> specs = new ArrayList<>();
      derived.map().forEach((column, expr) -> {
        if (expr.text() == null || !expr.text().matches("\\w+\\([\\w.]+\\)")) {
          error(expr, "'" + expr.text() + "': a function of one field, e.g. date(event_ts)");
        } else {
          specs.add(column + "=" + expr.text());
        }
      });
      if (!specs.isEmpty()) {
        put("delta.partition.derived", String.join(",", specs), derived);
      }
    }
  }

  private void storage(Entry e) {
    if (required(e, "storage")) {
      return;
    }
    allow(e, "format", "path", "time_travel", "optimize", "partition_evolution",
        "schema_evolution", "lineage_columns");
    Map<String, Entry> m = e.map();
    Entry format = m.get("format");
    if (format != null && !"delta".equals(format.text())) {
      error(format, "'" + format.text() + "': this bundle writes Delta tables (format: delta)");
    }
    Entry path = m.get("path");
    if (path == null || path.text() == null || path.text().isBlank()) {
      error(path == null ? e : path, "storage.path is required: where the Delta table lives");
    } else if (path.text().matches("(?i)[a-z][a-z0-9+.-]*://[^/@]*@.*")) {
      error(path, "no credentials in the path: use hadoop.fs.s3a.* settings");
    } else {
      put("delta.table.location", path.text().trim(), path);
    }
    Entry timeTravel = m.get("time_travel");
    if (timeTravel != null) {
      Boolean on = bool(timeTravel);
      if (on != null) {
        warn(timeTravel, on ? "always on: every commit is a Delta version (VACUUM's retention"
            + " decides how far back)" : "cannot be turned off: Delta keeps versions until VACUUM");
      }
    }
    Entry optimize = m.get("optimize");
    if (optimize != null) {
      Boolean on = bool(optimize);
      if (on != null) {
        put("delta.compaction.enabled", on.toString(), optimize);
      }
    }
    Entry lineage = m.get("lineage_columns");
    if (lineage != null) {
      Boolean on = bool(lineage);
      if (on != null) {
        put("delta.metadata.columns", on.toString(), lineage);
      }
    }
    Entry evolution = m.get("schema_evolution");
    if (evolution != null) {
      if ("none".equals(evolution.text()) || "add_columns".equals(evolution.text())) {
        put("delta.schema.evolution", evolution.text().replace('_', '-'), evolution);
      } else {
        error(evolution, "'" + evolution.text() + "': none or add_columns");
      }
    }
    if (m.containsKey("partition_evolution")) {
      warn(m.get("partition_evolution"), "not applied: a Delta table's partition columns are set"
          + " when it is created; columns are added by delta.schema.evolution=add-columns");
    }
  }

  private void quality(Entry e, Entry ingestion) {
    if (e == null || !mapOrError(e)) {
      return;
    }
    allow(e, "gates", "rules");
    Entry gates = e.map().get("gates");
    if (gates != null && listOrError(gates)) {
      List<String> names = new ArrayList<>();
      for (Entry g : gates.list()) {
        gate(g, names, ingestion);
      }
      if (!names.isEmpty()) {
        put("delta.gates", String.join(",", names), gates);
      }
    }
    Entry rules = e.map().get("rules");
    if (rules != null && listOrError(rules)) {
      List<String> names = new ArrayList<>();
      for (Entry r : rules.list()) {
        rule(r, names);
      }
      if (!names.isEmpty()) {
        put("transforms", "dq", rules);
        put("transforms.dq.type", QUALITY_RULES, rules);
        put("transforms.dq.rules", String.join(",", names), rules);
      }
    }
  }

  private void gate(Entry g, List<String> names, Entry ingestion) {
    if (!mapOrError(g)) {
      return;
    }
    allow(g, "name", "metric", "threshold", "min", "max", "window", "action");
    Map<String, Entry> m = g.map();
    Entry metric = m.get("metric");
    if (metric == null || metric.text() == null) {
      error(g, "a gate needs a metric (row_count, row_count_delta, null_rate_<field>,"
          + " schema_hash, data_quality_score, min_<field>, max_<field>)");
      return;
    }
    if (!metric.text().matches("row_count|row_count_delta|schema_hash|data_quality_score"
        + "|null_rate_[\\w.]+|min_[\\w.]+|max_[\\w.]+")) {
      error(metric, "unknown gate metric '" + metric.text() + "' (row_count, row_count_delta,"
          + " null_rate_<field>, schema_hash, data_quality_score, min_<field>, max_<field>)");
      return;
    }
    String name = m.containsKey("name") ? m.get("name").text()
        : metric.text().replace('.', '_');
    if (name == null || !name.matches("[A-Za-z0-9_-]+") || names.contains(name)) {
      error(m.getOrDefault("name", g), "gate name '" + name + "' is invalid or used twice; give"
          + " each gate a distinct name:");
      return;
    }
    names.add(name);
    String prefix = "delta.gate." + name + ".";
    put(prefix + "metric", metric.text(), metric);
    for (String number : List.of("threshold", "min", "max", "window")) {
      Entry v = m.get(number);
      if (v != null) {
        if (v.text() == null || !v.text().trim().matches("-?\\d+(\\.\\d+)?([eE]-?\\d+)?")) {
          error(v, "'" + v.text() + "' is not a number");
        } else {
          put(prefix + number, v.text().trim(), v);
        }
      }
    }
    Entry action = m.get("action");
    if (action != null) {
      if (!GATE_ACTIONS.contains(action.text())) {
        error(action, "'" + action.text() + "': one of " + String.join(", ",
            new java.util.TreeSet<>(GATE_ACTIONS)));
        return;
      }
      put(prefix + "action", action.text(), action);
      if ("registry_validation".equals(action.text())) {
        Entry registry = ingestion == null ? null : ingestion.map().get("schema_registry");
        if (registry == null) {
          error(action, "registry_validation needs ingestion.schema_registry");
        } else if (!config.containsKey("delta.gates.registry.url")) {
          put("delta.gates.registry.url", registry.text().trim(), registry);
        }
      }
    }
  }

  private void rule(Entry r, List<String> names) {
    if (!mapOrError(r)) {
      return;
    }
    Map<String, Entry> m = r.map();
    Entry name = m.get("name");
    if (name == null || name.text() == null || !name.text().matches("[A-Za-z0-9_-]+")
        || names.contains(name.text())) {
      error(name == null ? r : name, "each rule needs a distinct name (letters, digits, '_', '-')");
      return;
    }
    names.add(name.text());
    for (Map.Entry<String, Entry> p : m.entrySet()) {
      if (p.getKey().equals("name")) {
        continue;
      }
      String key = p.getKey().replace('_', '.');
      if (!RULE_PROPERTIES.contains(key)) {
        error(p.getValue(), "unknown rule property '" + p.getKey() + "' (" + String.join(", ",
            new java.util.TreeSet<>(RULE_PROPERTIES)).replace('.', '_') + ")");
        continue;
      }
      String value = p.getValue().isList() ? String.join(",", strings(p.getValue()))
          : p.getValue().text();
      put("transforms.dq.rule." + name.text() + "." + key, value, p.getValue());
    }
  }

  private void observability(Entry e) {
    if (e == null || !mapOrError(e)) {
      return;
    }
    allow(e, "metrics", "alerts");
    Entry metrics = e.map().get("metrics");
    if (metrics != null) {
      for (Entry metric : metrics.isList() ? metrics.list() : List.of(metrics)) {
        String name = metric.text();
        String why = switch (name == null ? "" : name) {
          case "kafka_lag", "data_quality_score", "pipeline_duration", "freshness",
              "records_written", "dlq_records" -> null;
          default -> "not a metric of this bundle (JMX: see connect-delta-sink/README.md#metrics)";
        };
        if (why != null) {
          warn(metric, "'" + name + "': " + why);
        }
      }
    }
    Entry alerts = e.map().get("alerts");
    if (alerts != null && mapOrError(alerts)) {
      allow(alerts, "slack", "pagerduty", "webhook");
      Map<String, Entry> m = alerts.map();
      Entry webhook = m.get("webhook");
      Entry slack = m.get("slack");
      if (webhook != null && url(webhook) != null) {
        put("delta.gates.alert.webhook.url", webhook.text().trim(), webhook);
      }
      if (slack != null) {
        if (slack.text() != null && slack.text().startsWith("https://")) {
          if (webhook == null && url(slack) != null) {
            put("delta.gates.alert.webhook.url", slack.text().trim(), slack);
          }
        } else {
          warn(slack, "a channel name cannot be posted to: give the channel's incoming-webhook"
              + " URL (https://hooks.slack.com/...) here or in observability.alerts.webhook");
        }
      }
      if (m.containsKey("pagerduty")) {
        warn(m.get("pagerduty"), "not supported directly: route the webhook's alerts to"
            + " PagerDuty (e.g. its Events API behind observability.alerts.webhook)");
      }
    }
  }

  // ---- values ----

  private void put(String property, String value, Entry from) {
    config.put(property, value);
    origins.put(property, new Connector.Origin(from.path(), from.line()));
  }

  /** Unknown keys of a mapping are errors naming them and the keys allowed there. */
  private void allow(Entry e, String... keys) {
    if (!e.isMap()) {
      return;
    }
    Set<String> known = Set.of(keys);
    for (Entry child : e.map().values()) {
      String key = child.path().substring(child.path().lastIndexOf('.') + 1);
      if (!known.contains(key)) {
        error(child, "unknown key '" + key + "'" + (e.path().isEmpty() ? "" : " in " + e.path())
            + " (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
      }
    }
  }

  private boolean required(Entry e, String section) {
    if (e == null) {
      messages.add(new Message(Message.Level.ERROR, section, 0, "section " + section
          + ": is required"));
      return true;
    }
    return !mapOrError(e);
  }

  private boolean mapOrError(Entry e) {
    if (!e.isMap()) {
      error(e, "expected keys under " + e.path() + ", found " + describe(e));
      return false;
    }
    return true;
  }

  private boolean listOrError(Entry e) {
    if (!e.isList()) {
      error(e, "expected a list (- item) under " + e.path() + ", found " + describe(e));
      return false;
    }
    return true;
  }

  private static String describe(Entry e) {
    return e.isList() ? "a list" : e.isMap() ? "keys" : "'" + e.text() + "'";
  }

  /** A list of scalars, or one scalar (a comma-separated string is split). */
  private List<String> strings(Entry e) {
    List<String> out = new ArrayList<>();
    if (e.isList()) {
      for (Entry item : e.list()) {
        if (!item.isScalar() || item.text() == null || item.text().isBlank()) {
          error(item, "expected a name, found " + describe(item));
        } else {
          out.add(item.text().trim());
        }
      }
    } else if (e.isScalar() && e.text() != null) {
      for (String part : e.text().split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    } else if (e.isMap()) {
      error(e, "expected a list of names, found keys");
    }
    return out;
  }

  /** Milliseconds of "15m", "30s", "500ms", "2h", "1d"; null (and an error) otherwise. */
  private Long duration(Entry e) {
    Matcher m = e.text() == null ? null : DURATION.matcher(e.text().trim());
    if (m == null || !m.matches()) {
      error(e, "'" + e.text() + "' is not a duration (e.g. 500ms, 30s, 15m, 2h, 1d)");
      return null;
    }
    long n = Long.parseLong(m.group(1));
    long unit = switch (m.group(2) == null ? "ms" : m.group(2)) {
      case "s" -> 1000L;
      case "m" -> 60_000L;
      case "h" -> 3_600_000L;
      case "d" -> 86_400_000L;
      default -> 1L;
    };
    if (n == 0) {
      error(e, "'" + e.text() + "': must be more than zero");
      return null;
    }
    return n * unit;
  }

  private Long integer(Entry e, long min, long max) {
    try {
      long n = Long.parseLong(e.text() == null ? "" : e.text().trim());
      if (n < min || n > max) {
        error(e, n + " is out of range [" + min + ", " + max + "]");
        return null;
      }
      return n;
    } catch (NumberFormatException x) {
      error(e, "'" + e.text() + "' is not a whole number");
      return null;
    }
  }

  private Boolean bool(Entry e) {
    if ("true".equals(e.text()) || "false".equals(e.text())) {
      return Boolean.valueOf(e.text());
    }
    error(e, "'" + e.text() + "': true or false");
    return null;
  }

  private String url(Entry e) {
    String v = e.text() == null ? "" : e.text().trim();
    try {
      java.net.URI uri = java.net.URI.create(v);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null && uri.getUserInfo() == null) {
        return v;
      }
    } catch (IllegalArgumentException ignored) {
      // reported below
    }
    error(e, "'" + (v.contains("@") ? "[hidden]" : v) + "' is not an http(s) URL without"
        + " credentials");
    return null;
  }

  private void error(Entry e, String text) {
    messages.add(new Message(Message.Level.ERROR, e.path(), e.line(), text));
  }

  private void warn(Entry e, String text) {
    messages.add(new Message(Message.Level.WARNING, e.path(), e.line(), text));
  }
}
