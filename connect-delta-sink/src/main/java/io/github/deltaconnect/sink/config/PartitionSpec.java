package io.github.deltaconnect.sink.config;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;

/**
 * The table's partition columns and the columns derived from timestamps, parsed from
 * {@code delta.partition.fields} and {@code delta.partition.derived}.
 */
public final class PartitionSpec {

  /** A column computed from a timestamp-like source field. */
  public record Derived(String column, DerivedFunction function, String sourceField, ZoneId zone) {}

  /** date: a DATE column; hour: an INT column holding the hour of day. */
  public enum DerivedFunction {
    DATE,
    HOUR
  }

  private static final Pattern DERIVED = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*"
      + "([A-Za-z]+)\\s*\\(\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*\\)\\s*$");

  private final List<String> columns;
  private final Map<String, Derived> derived;

  private PartitionSpec(List<String> columns, Map<String, Derived> derived) {
    this.columns = List.copyOf(columns);
    this.derived = Collections.unmodifiableMap(new LinkedHashMap<>(derived));
  }

  public static PartitionSpec unpartitioned() {
    return new PartitionSpec(List.of(), Map.of());
  }

  public static PartitionSpec parse(List<String> fields, List<String> derivedSpecs, ZoneId zone) {
    Set<String> cols = new LinkedHashSet<>();
    for (String f : fields) {
      String name = f.trim();
      if (name.isEmpty()) {
        continue;
      }
      if (!cols.add(name)) {
        throw new ConfigException(DeltaSinkConfig.PARTITION_FIELDS, String.join(",", fields),
            "lists '" + name + "' twice");
      }
    }
    Map<String, Derived> derived = new LinkedHashMap<>();
    for (String spec : derivedSpecs) {
      if (spec.isBlank()) {
        continue;
      }
      Matcher m = DERIVED.matcher(spec);
      if (!m.matches()) {
        throw new ConfigException(DeltaSinkConfig.PARTITION_DERIVED, spec,
            "must look like name=date(field) or name=hour(field)");
      }
      DerivedFunction fn;
      try {
        fn = DerivedFunction.valueOf(m.group(2).toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(DeltaSinkConfig.PARTITION_DERIVED, spec,
            "unknown function '" + m.group(2) + "': use date or hour");
      }
      String column = m.group(1);
      if (derived.put(column, new Derived(column, fn, m.group(3), zone)) != null) {
        throw new ConfigException(DeltaSinkConfig.PARTITION_DERIVED, spec,
            "derives '" + column + "' twice");
      }
    }
    return new PartitionSpec(new ArrayList<>(cols), derived);
  }

  public List<String> columns() {
    return columns;
  }

  public boolean isPartitioned() {
    return !columns.isEmpty();
  }

  public Map<String, Derived> derived() {
    return derived;
  }
}
