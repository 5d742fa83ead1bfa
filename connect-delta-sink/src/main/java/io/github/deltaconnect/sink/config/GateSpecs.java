package io.github.deltaconnect.sink.config;

import io.github.deltaconnect.common.NamedSections;
import io.github.deltaconnect.sink.gate.Gate;
import io.github.deltaconnect.sink.gate.GateAction;
import io.github.deltaconnect.sink.gate.GateMetric;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/**
 * Reads the gates listed in {@code delta.gates} from their {@code delta.gate.<name>.*}
 * properties; every error names the full property.
 */
final class GateSpecs {
  static final Set<String> PROPERTIES = Set.of("metric", "threshold", "min", "max", "window",
      "action", "subject", "contract.version");
  static final int DEFAULT_WINDOW = 10;

  private GateSpecs() {}

  static List<Gate> parse(List<String> names, Map<String, String> props) {
    NamedSections.checkNames(DeltaSinkConfig.GATES, names, "gate");
    NamedSections.checkKeys(props, DeltaSinkConfig.GATE_PREFIX, DeltaSinkConfig.GATES, names,
        PROPERTIES, "gate");
    List<Gate> gates = new ArrayList<>();
    for (String name : names) {
      gates.add(gate(name, props));
    }
    return List.copyOf(gates);
  }

  private static Gate gate(String name, Map<String, String> props) {
    String prefix = DeltaSinkConfig.GATE_PREFIX + name + ".";
    String metricText = props.get(prefix + "metric");
    if (metricText == null || metricText.isBlank()) {
      throw new ConfigException(prefix + "metric", metricText, "gate '" + name + "' needs a metric");
    }
    GateMetric metric;
    try {
      metric = GateMetric.parse(metricText);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(prefix + "metric", metricText, e.getMessage());
    }
    String actionText = props.getOrDefault(prefix + "action", "halt_and_alert");
    GateAction action;
    try {
      action = GateAction.of(actionText);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(prefix + "action", actionText, "one of halt_and_alert,"
          + " quarantine, alert, registry_validation");
    }
    Double threshold = number(props, prefix + "threshold");
    Double min = number(props, prefix + "min");
    Double max = number(props, prefix + "max");
    Double window = number(props, prefix + "window");
    boolean rate = metric instanceof GateMetric.NullRate || metric instanceof GateMetric.RowCountDelta
        || metric instanceof GateMetric.QualityScore;
    boolean bounded = metric instanceof GateMetric.RowCount || metric instanceof GateMetric.Extreme;
    if (rate && threshold == null) {
      throw new ConfigException(prefix + "threshold", null, metric.name() + " needs a threshold");
    }
    if (rate && (threshold < 0 || (!(metric instanceof GateMetric.RowCountDelta) && threshold > 1))) {
      throw new ConfigException(prefix + "threshold", threshold, "a share: at least 0"
          + (metric instanceof GateMetric.RowCountDelta ? "" : " and at most 1"));
    }
    if (!rate && threshold != null) {
      throw new ConfigException(prefix + "threshold", threshold, metric.name() + " takes "
          + (bounded ? "min and/or max" : "no threshold") + ", not a threshold");
    }
    if (bounded && min == null && max == null) {
      throw new ConfigException(prefix + "min", null, metric.name() + " needs " + prefix
          + "min or " + prefix + "max (or both)");
    }
    if (!bounded && (min != null || max != null)) {
      throw new ConfigException(prefix + (min != null ? "min" : "max"), min != null ? min : max,
          metric.name() + " takes no min or max");
    }
    if (min != null && max != null && min > max) {
      throw new ConfigException(prefix + "max", max, "is below " + prefix + "min=" + min);
    }
    if (window != null && !(metric instanceof GateMetric.RowCountDelta)) {
      throw new ConfigException(prefix + "window", window, "only row_count_delta has a window");
    }
    if (window != null && (window < 1 || window > 100 || window != Math.rint(window))) {
      throw new ConfigException(prefix + "window", window, "a whole number from 1 to 100");
    }
    boolean registry = action == GateAction.REGISTRY_VALIDATION;
    if (registry && !(metric instanceof GateMetric.SchemaHash)) {
      throw new ConfigException(prefix + "action", actionText, "registry_validation checks"
          + " schemas: it needs metric schema_hash, not " + metric.name());
    }
    String subject = props.get(prefix + "subject");
    String version = props.get(prefix + "contract.version");
    if (!registry && (subject != null || version != null)) {
      throw new ConfigException(prefix + (subject != null ? "subject" : "contract.version"),
          subject != null ? subject : version, "only a gate with action=registry_validation"
          + " has a subject and a contract version");
    }
    if (subject != null && subject.isBlank()) {
      throw new ConfigException(prefix + "subject", subject, "must not be blank; leave it out for"
          + " each topic's <topic>-value subject");
    }
    version = version == null ? "latest" : version.trim();
    if (!version.equals("latest") && !version.matches("[1-9][0-9]{0,8}")) {
      throw new ConfigException(prefix + "contract.version", version, "'latest' or a version"
          + " number (1, 2, ...)");
    }
    return new Gate(name, metric, threshold, min, max,
        window == null ? DEFAULT_WINDOW : window.intValue(), action,
        subject == null ? null : subject.trim(), version);
  }

  private static Double number(Map<String, String> props, String key) {
    String text = props.get(key);
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      double v = Double.parseDouble(text.trim());
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new ConfigException(key, text, "is not a number");
    }
  }
}
