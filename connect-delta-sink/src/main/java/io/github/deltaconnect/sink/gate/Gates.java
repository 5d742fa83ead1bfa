package io.github.deltaconnect.sink.gate;

import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.types.StructType;
import io.github.deltaconnect.sink.buffer.OffsetRange;
import io.github.deltaconnect.sink.buffer.RecordBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Evaluates the configured gates on a batch before it is committed. Immutable; one per task.
 */
public final class Gates {
  private final List<Gate> gates;
  /** Asks the Schema Registry for registry_validation gates; null when there are none. */
  private final RegistryCheck registry;

  public Gates(List<Gate> gates) {
    this(gates, null);
  }

  public Gates(List<Gate> gates, RegistryCheck registry) {
    this.gates = List.copyOf(gates);
    this.registry = registry;
    if (registry == null
        && this.gates.stream().anyMatch(g -> g.action() == GateAction.REGISTRY_VALIDATION)) {
      throw new IllegalArgumentException("registry_validation gates need a RegistryCheck");
    }
  }

  public boolean isEmpty() {
    return gates.isEmpty();
  }

  public List<Gate> gates() {
    return gates;
  }

  /**
   * Measures the batch and checks every gate.
   *
   * @param coveredMs the time the batch covers (its first record's arrival to now), for its rate
   * @param state what the last committed batches left
   */
  public GateDecision evaluate(RecordBuffer buffer, StructType schema, long coveredMs,
      GateState state) {
    Iterable<ColumnarBatch> batches = buffer.batches().values();
    long rows = buffer.records();
    Map<String, Object> values = new LinkedHashMap<>();
    List<GateDecision.Breach> breaches = new ArrayList<>();
    for (Gate gate : gates) {
      GateMetric metric = gate.metric();
      Object value;
      String reason = null;
      if (metric instanceof GateMetric.RowCount) {
        value = rows;
        reason = bounds(rows, gate);
      } else if (metric instanceof GateMetric.RowCountDelta) {
        Double mean = state.trailingMean(gate.window());
        if (mean == null) {
          continue; // warming up: fewer than window committed batches
        }
        double rate = rate(rows, coveredMs);
        double delta = mean == 0 ? (rate == 0 ? 0 : Double.POSITIVE_INFINITY)
            : Math.abs(rate / mean - 1);
        value = delta;
        if (delta > gate.threshold()) {
          reason = String.format(Locale.ROOT, "%.1f rows/s against a trailing mean of %.1f over"
              + " %d batches: a change of %.3f, above %s", rate, mean, gate.window(), delta,
              gate.threshold());
        }
      } else if (metric instanceof GateMetric.NullRate m) {
        if (rows == 0) {
          continue;
        }
        double rate = (double) BatchMetrics.nulls(batches,
            BatchMetrics.resolve(schema, m.path())) / rows;
        value = rate;
        if (rate > gate.threshold()) {
          reason = String.format(Locale.ROOT, "%.4f of %d rows are null, above %s", rate, rows,
              gate.threshold());
        }
      } else if (metric instanceof GateMetric.SchemaHash) {
        String hash = BatchMetrics.schemaHash(schema);
        value = hash;
        if (gate.action() == GateAction.REGISTRY_VALIDATION) {
          reason = unregistered(gate, buffer);
        } else if (state.schemaHash() != null && !state.schemaHash().equals(hash)) {
          reason = "the schema changed from hash " + state.schemaHash() + " to " + hash;
        }
      } else if (metric instanceof GateMetric.QualityScore) {
        if (rows == 0) {
          continue;
        }
        double score = 1 - (double) buffer.tagged() / rows;
        value = score;
        if (score < gate.threshold()) {
          reason = String.format(Locale.ROOT, "%.4f of %d rows carry no violation tag, below %s",
              score, rows, gate.threshold());
        }
      } else {
        GateMetric.Extreme m = (GateMetric.Extreme) metric;
        Double v = BatchMetrics.extreme(batches, BatchMetrics.resolve(schema, m.path()), m.max());
        if (v == null) {
          continue; // every value null: nothing to bound (null_rate says that)
        }
        value = v;
        reason = bounds(v, gate);
      }
      values.put(metric.name(), value);
      if (reason != null) {
        breaches.add(new GateDecision.Breach(gate, value, reason));
      }
    }
    return new GateDecision(values, breaches);
  }

  /**
   * The registry_validation gates' verdict on one record schema, ahead of any batch (a record
   * that would add columns is checked before they are added): clean, or the gates it breaks.
   */
  public GateDecision registryDecision(String topic, org.apache.kafka.connect.data.Schema schema) {
    List<GateDecision.Breach> breaches = new ArrayList<>();
    for (Gate gate : gates) {
      if (gate.action() == GateAction.REGISTRY_VALIDATION) {
        registry.problem(gate, topic, schema)
            .ifPresent(p -> breaches.add(new GateDecision.Breach(gate, null, p)));
      }
    }
    return new GateDecision(Map.of(), breaches);
  }

  /**
   * Why the batch's record schemas fail the registry, or null. Each distinct schema is checked
   * once per task ({@link RegistryCheck} remembers those that passed), so a steady stream costs
   * no registry call; the first batch after a start, and the first with a new schema, do.
   */
  private String unregistered(Gate gate, RecordBuffer buffer) {
    List<String> problems = new ArrayList<>();
    buffer.recordSchemas().forEach((topic, schemas) -> {
      for (org.apache.kafka.connect.data.Schema s : schemas) {
        registry.problem(gate, topic, s).ifPresent(problems::add);
      }
    });
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  /** Rows per second over {@code coveredMs} (at least a millisecond). */
  public static double rate(long rows, long coveredMs) {
    return rows * 1000.0 / Math.max(1, coveredMs);
  }

  private static String bounds(double value, Gate gate) {
    if (gate.min() != null && value < gate.min()) {
      return "value " + plain(value) + " is below the minimum " + plain(gate.min());
    }
    if (gate.max() != null && value > gate.max()) {
      return "value " + plain(value) + " is above the maximum " + plain(gate.max());
    }
    return null;
  }

  private static String plain(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  /** "gate 'nulls' (null_rate_user_id): ..." for every breach, for messages and alerts. */
  public static String describe(GateDecision decision, Map<TopicPartition, OffsetRange> ranges) {
    return describe(decision) + "; batch offsets " + ranges(ranges);
  }

  /** "gate 'nulls' (null_rate_user_id, alert): ..." for every breach, without offsets. */
  public static String describe(GateDecision decision) {
    StringBuilder sb = new StringBuilder();
    for (GateDecision.Breach b : decision.breaches()) {
      sb.append(sb.length() == 0 ? "" : "; ").append("gate '").append(b.gate().name())
          .append("' (").append(b.gate().metric().name()).append(", ")
          .append(b.gate().action().configName()).append("): ").append(b.reason());
    }
    return sb.toString();
  }

  public static String ranges(Map<TopicPartition, OffsetRange> ranges) {
    List<String> out = new ArrayList<>();
    ranges.entrySet().stream()
        .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(TopicPartition::toString)))
        .forEach(e -> out.add(e.getKey() + "[" + e.getValue().first() + ".."
            + e.getValue().last() + "]"));
    return String.join(", ", out);
  }
}
