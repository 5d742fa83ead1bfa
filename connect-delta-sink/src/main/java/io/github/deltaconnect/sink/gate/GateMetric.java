package io.github.deltaconnect.sink.gate;

import java.util.List;

/**
 * What a gate measures on a batch, as written in {@code delta.gate.<name>.metric}:
 * {@code row_count}, {@code row_count_delta}, {@code null_rate_<field>}, {@code schema_hash},
 * {@code data_quality_score}, {@code min_<field>}, {@code max_<field>}; fields are dotted paths
 * through structs ({@code address.city}).
 */
public sealed interface GateMetric {

  /** The metric's name, as configured and as reported. */
  String name();

  /** Rows in the batch. */
  record RowCount() implements GateMetric {
    public String name() {
      return "row_count";
    }
  }

  /**
   * The batch's rows per second over the time it covers, relative to the mean of the last
   * {@code window} committed batches' rates: |rate / mean - 1|.
   */
  record RowCountDelta() implements GateMetric {
    public String name() {
      return "row_count_delta";
    }
  }

  /** Share of rows where the field (or a struct on its path) is null. */
  record NullRate(List<String> path) implements GateMetric {
    public String name() {
      return "null_rate_" + String.join(".", path);
    }
  }

  /** A stable hash of the batch's schema; a change from the last committed batch is drift. */
  record SchemaHash() implements GateMetric {
    public String name() {
      return "schema_hash";
    }
  }

  /** Share of rows that carry no violation tag from the quality rules transform. */
  record QualityScore() implements GateMetric {
    public String name() {
      return "data_quality_score";
    }
  }

  /** Smallest (or largest) non-null value of a numeric field in the batch. */
  record Extreme(List<String> path, boolean max) implements GateMetric {
    public String name() {
      return (max ? "max_" : "min_") + String.join(".", path);
    }
  }

  /** Parses a metric name; IllegalArgumentException says what is wrong. */
  static GateMetric parse(String text) {
    String t = text == null ? "" : text.trim();
    switch (t) {
      case "row_count":
        return new RowCount();
      case "row_count_delta":
        return new RowCountDelta();
      case "schema_hash":
        return new SchemaHash();
      case "data_quality_score":
        return new QualityScore();
      default:
        break;
    }
    if (t.startsWith("null_rate_")) {
      return new NullRate(path(t.substring("null_rate_".length()), t));
    }
    if (t.startsWith("min_")) {
      return new Extreme(path(t.substring(4), t), false);
    }
    if (t.startsWith("max_")) {
      return new Extreme(path(t.substring(4), t), true);
    }
    throw new IllegalArgumentException("unknown metric '" + t + "'; one of row_count,"
        + " row_count_delta, null_rate_<field>, schema_hash, data_quality_score, min_<field>,"
        + " max_<field>");
  }

  private static List<String> path(String field, String metric) {
    if (field.isEmpty() || field.startsWith(".") || field.endsWith(".") || field.contains("..")) {
      throw new IllegalArgumentException("metric '" + metric + "' names no field path");
    }
    return List.of(field.split("\\."));
  }
}
