package io.github.deltaconnect.sink.gate;

import java.util.Objects;

/**
 * A configured gate: a metric, its bound and the action when the bound is broken.
 *
 * @param threshold for rates: null_rate_* and row_count_delta break above it,
 *     data_quality_score below it; null for the others
 * @param min for row_count, min_* and max_*: the smallest value allowed, or null
 * @param max for row_count, min_* and max_*: the largest value allowed, or null
 * @param window for row_count_delta: how many committed batches the trailing mean spans, and how
 *     many must exist before the gate is evaluated
 * @param subject for registry_validation: the subject record schemas must be registered under, or
 *     null for each topic's {@code <topic>-value}
 * @param contractVersion for registry_validation: the subject version (or {@code latest}) they
 *     must be compatible with
 */
public record Gate(String name, GateMetric metric, Double threshold, Double min, Double max,
    int window, GateAction action, String subject, String contractVersion) {

  /** A gate without registry settings. */
  public Gate(String name, GateMetric metric, Double threshold, Double min, Double max,
      int window, GateAction action) {
    this(name, metric, threshold, min, max, window, action, null, "latest");
  }

  public Gate {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(action, "action");
  }
}
