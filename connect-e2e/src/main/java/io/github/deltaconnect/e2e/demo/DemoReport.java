package io.github.deltaconnect.e2e.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.deltaconnect.sink.testing.TableReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;

/**
 * Where every produced record ended up, read from the places themselves: the Delta table and its
 * quarantine table (through an independent Kernel reader), the dead-letter topic (with Connect's
 * error headers) and the JMX counters of records that rules or the idempotency key dropped; plus
 * the gate metrics of the last commits, from the table's history.
 */
public record DemoReport(long produced, Map<String, Long> producedByKind, long tableRows,
    long tableVersion, Map<String, Long> rowsPerPartition, long rowsWithChannel,
    long quarantineRows, long dlq, Map<String, Long> dlqByReason, long droppedByRules,
    long duplicatesLeftOut, List<String> lastCommits, String table, String quarantine) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every record is in exactly one place, or was dropped and counted. */
  public boolean balanced() {
    return tableRows + quarantineRows + dlq + droppedByRules + duplicatesLeftOut == produced;
  }

  /** Counted drops so far, from the worker's beans (this JVM): rules and duplicate keys. */
  public static long[] drops(String connector) throws Exception {
    return new long[] {SinkBeans.quality(connector, "Dropped"),
        SinkBeans.sum(connector, "DuplicatesDroppedInBatch")
            + SinkBeans.sum(connector, "DuplicatesDroppedInTable")};
  }

  public static DemoReport read(DemoEvents events, Path table, String connector,
      ConsumerRecords<byte[], byte[]> dlqRecords) throws Exception {
    String uri = table.toUri().toString();
    TableReader reader = new TableReader(uri);
    List<Map<String, Object>> rows = reader.rows();
    Map<String, Long> perPartition = new TreeMap<>();
    long withChannel = 0;
    for (Map<String, Object> row : rows) {
      Object day = row.get("partition_date");
      perPartition.merge("partition_date=" + (day == null ? "null"
          : LocalDate.ofEpochDay(((Number) day).longValue())) + "/region=" + row.get("region"),
          1L, Long::sum);
      if (row.get("channel") != null) {
        withChannel++;
      }
    }
    Path quarantine = table.resolveSibling(table.getFileName() + "_quarantine");
    long quarantined = Files.exists(quarantine.resolve("_delta_log"))
        ? new TableReader(quarantine.toUri().toString()).rows().size() : 0;
    Map<String, Long> byReason = new TreeMap<>();
    long dlq = 0;
    for (ConsumerRecord<byte[], byte[]> r : dlqRecords) {
      byReason.merge(reason(r), 1L, Long::sum);
      dlq++;
    }
    long[] drops = drops(connector);
    return new DemoReport(events.total(), events.produced(), rows.size(),
        reader.snapshot().getVersion(), perPartition, withChannel, quarantined, dlq, byReason,
        drops[0], drops[1], lastCommits(table, 5), uri, quarantine.toUri().toString());
  }

  private static final Pattern RULE = Pattern.compile("rule (\\w+)");

  /** A short reason from Connect's error headers: the stage, and what failed there. */
  static String reason(ConsumerRecord<byte[], byte[]> r) {
    String stage = header(r, "__connect.errors.stage");
    String message = header(r, "__connect.errors.exception.message");
    if ("VALUE_CONVERTER".equals(stage)) {
      return "converter: not valid JSON";
    }
    if ("TRANSFORMATION".equals(stage)) {
      Matcher m = RULE.matcher(message);
      return "quality rule failed: " + (m.find() ? m.group(1) : message);
    }
    String first = message.length() > 70 ? message.substring(0, 70) + "..." : message;
    return "sink (" + stage + "): " + first;
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** The last {@code n} commits: version, operation, rows and the gate metrics they stored. */
  static List<String> lastCommits(Path table, int n) throws IOException {
    List<Path> logs;
    try (var files = Files.list(table.resolve("_delta_log"))) {
      logs = files.filter(f -> f.getFileName().toString().matches("\\d{20}\\.json")).sorted()
          .toList();
    }
    List<String> out = new ArrayList<>();
    for (Path log : logs.subList(Math.max(0, logs.size() - n), logs.size())) {
      for (String line : Files.readAllLines(log)) {
        JsonNode info = JSON.readTree(line).get("commitInfo");
        if (info == null) {
          continue;
        }
        JsonNode metrics = info.path("operationMetrics");
        StringBuilder gates = new StringBuilder();
        metrics.fields().forEachRemaining(f -> {
          if (f.getKey().startsWith("gate.")) {
            gates.append(' ').append(f.getKey().substring(5)).append('=').append(f.getValue()
                .asText());
          }
        });
        out.add(String.format("  v%-4d %-20s rows=%-5s%s", Long.parseLong(log.getFileName()
            .toString().substring(0, 20)), info.path("operation").asText(),
            metrics.path("numOutputRows").asText("-"), gates));
      }
    }
    return out;
  }

  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("\n=== Summary ===\n");
    sb.append(String.format("Produced          %,d records%n", produced));
    producedByKind.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> sb.append(String.format("  %-44s %,7d%n", e.getKey(), e.getValue())));
    sb.append(String.format("%nDelta table       %s (version %d)%n", table, tableVersion));
    sb.append(String.format("  rows            %,d (%,d with the new 'channel' column)%n",
        tableRows, rowsWithChannel));
    sb.append("  rows per table partition:\n");
    rowsPerPartition.forEach((k, v) -> sb.append(String.format("    %-46s %,7d%n", k, v)));
    sb.append(String.format("%nQuarantine table  %s%n  rows            %,d (whole batches a"
        + " gate held back, with their offsets)%n", quarantine, quarantineRows));
    sb.append(String.format("%nDead-letter queue %,d records (topic events.dlq), by reason:%n",
        dlq));
    dlqByReason.forEach((k, v) -> sb.append(String.format("  %-72s %,5d%n", k, v)));
    sb.append(String.format("%nCounted drops     %,d by the rule known_region, %,d duplicate"
        + " deliveries left out by the idempotency key%n", droppedByRules, duplicatesLeftOut));
    sb.append("\nLast commits (from the table's history, gate metrics as stored):\n");
    lastCommits.forEach(l -> sb.append(l).append('\n'));
    sb.append(String.format("%nTable %,d + quarantine %,d + DLQ %,d + counted drops %,d == produced"
        + " %,d: %s%n", tableRows, quarantineRows, dlq, droppedByRules + duplicatesLeftOut,
        produced, balanced()));
    return sb.toString();
  }
}
