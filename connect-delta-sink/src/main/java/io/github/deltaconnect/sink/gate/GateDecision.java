package io.github.deltaconnect.sink.gate;

import java.util.List;
import java.util.Map;

/**
 * The gates' verdict on one batch: every metric measured (by name) and the gates it broke.
 *
 * @param values measured values by metric name (numbers, or the schema hash as text); a metric
 *     that could not be evaluated yet (row_count_delta while warming up) is absent
 * @param breaches broken gates in configuration order
 */
public record GateDecision(Map<String, Object> values, List<Breach> breaches) {

  /** No gates configured. */
  public static final GateDecision NONE = new GateDecision(Map.of(), List.of());

  public GateDecision {
    values = Map.copyOf(values);
    breaches = List.copyOf(breaches);
  }

  /** A broken gate and why. */
  public record Breach(Gate gate, Object value, String reason) {}

  public boolean halts() {
    return breaches.stream().anyMatch(b -> b.gate().action().halts());
  }

  /** Whether the batch goes to the quarantine table (a quarantine gate broke, none that halts). */
  public boolean quarantines() {
    return !halts() && breaches.stream().anyMatch(b -> b.gate().action() == GateAction.QUARANTINE);
  }

  public boolean isClean() {
    return breaches.isEmpty();
  }
}
