package io.github.deltaconnect.sink.route;

import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.convert.DataException;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Where a record goes when one connector feeds many tables: the location template with
 * {@code ${topic}} replaced by the record's topic and {@code ${route}} by the value of the routing
 * field. A value that cannot name a table is refused with the reason (the record goes to the DLQ).
 */
public final class Destinations {
  /** Names that are safe as one path segment on every store: no separators, no "..". */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.=-]{0,127}");

  private final String template;
  private final String quarantineTemplate;
  private final String[] routePath;
  private final String routeField;

  public Destinations(DeltaSinkConfig config) {
    this.template = config.tableLocation();
    this.quarantineTemplate = config.quarantineLocation();
    this.routeField = config.routeField();
    this.routePath = routeField.isEmpty() ? null : routeField.split("\\.");
  }

  /** Whether the table depends on the record's value (then the table's offsets are not the resume point). */
  public boolean byField() {
    return routePath != null;
  }

  /** A table's location and its quarantine table's. */
  public record Destination(String location, String quarantine) {}

  /** The table of a record. */
  public Destination of(SinkRecord record) {
    String route = routePath == null ? null : route(record);
    return new Destination(resolve(template, record.topic(), route),
        resolve(quarantineTemplate, record.topic(), route));
  }

  /** The table of a topic's records, when only the topic decides. */
  public Destination ofTopic(String topic) {
    if (byField()) {
      throw new IllegalStateException("routed by " + routeField + ", not by topic only");
    }
    return new Destination(resolve(template, topic, null), resolve(quarantineTemplate, topic, null));
  }

  /**
   * The tables a field-routed connector has created for {@code topic}'s records, found by listing
   * the directory above the template's first {@code ${route}} and keeping the entries that are a
   * valid routing value with a Delta log at the resolved location.
   */
  public java.util.List<Destination> existing(String topic,
      io.github.deltaconnect.sink.storage.TaskFileSystems fileSystems) throws java.io.IOException {
    if (!byField()) {
      return java.util.List.of(ofTopic(topic));
    }
    String withTopic = template.replace(DeltaSinkConfig.TOPIC_PLACEHOLDER, topic);
    int at = withTopic.indexOf(DeltaSinkConfig.ROUTE_PLACEHOLDER);
    int slash = withTopic.lastIndexOf('/', at);
    String parent = withTopic.substring(0, slash + 1);
    int end = withTopic.indexOf('/', at);
    String segment = withTopic.substring(slash + 1, end < 0 ? withTopic.length() : end);
    // The segment's own text around ${route} must match literally; the value is a valid name.
    String[] around = segment.split(Pattern.quote(DeltaSinkConfig.ROUTE_PLACEHOLDER), -1);
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < around.length; i++) {
      if (i > 0) {
        regex.append("(" + NAME.pattern() + ")");
      }
      regex.append(Pattern.quote(around[i]));
    }
    Pattern entry = Pattern.compile(regex.toString());
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(
        io.github.deltaconnect.sink.commit.DeltaTable.qualify(parent));
    org.apache.hadoop.fs.FileSystem fs = fileSystems.get(dir);
    java.util.List<Destination> out = new java.util.ArrayList<>();
    if (!fs.exists(dir)) {
      return out;
    }
    for (org.apache.hadoop.fs.FileStatus child : fs.listStatus(dir)) {
      java.util.regex.Matcher m = entry.matcher(child.getPath().getName());
      if (!child.isDirectory() || !m.matches() || m.group(1).contains("..")) {
        continue;
      }
      String route = m.group(1);
      String location = resolve(template, topic, route);
      org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(
          io.github.deltaconnect.sink.commit.DeltaTable.qualify(location), "_delta_log");
      if (fs.exists(log)) {
        out.add(new Destination(location, resolve(quarantineTemplate, topic, route)));
      }
    }
    return out;
  }

  private static String resolve(String template, String topic, String route) {
    String out = template.replace(DeltaSinkConfig.TOPIC_PLACEHOLDER, topic);
    return route == null ? out : out.replace(DeltaSinkConfig.ROUTE_PLACEHOLDER, route);
  }

  private String route(SinkRecord record) {
    Object v = record.value();
    for (int i = 0; i < routePath.length && v != null; i++) {
      if (v instanceof Struct s) {
        v = s.schema().field(routePath[i]) == null ? null : s.get(routePath[i]);
      } else if (v instanceof Map<?, ?> m) {
        v = m.get(routePath[i]);
      } else {
        v = null;
      }
    }
    if (v == null) {
      throw new DataException("routing field " + routeField + " (" + DeltaSinkConfig.ROUTE_FIELD
          + ") is missing or null: no table to write the record to");
    }
    if (!(v instanceof CharSequence || v instanceof Integer || v instanceof Long
        || v instanceof Short || v instanceof Byte)) {
      throw new DataException("routing field " + routeField + " is a "
          + v.getClass().getSimpleName() + "; it must be a string or an integer to name a table");
    }
    String name = v.toString();
    if (!NAME.matcher(name).matches() || name.contains("..")) {
      throw new DataException("routing field " + routeField + " has the value '"
          + (name.length() > 64 ? name.substring(0, 64) + "..." : name) + "', which cannot name a"
          + " table (1 to 128 of letters, digits, '_', '-', '.', '=', not starting with '.' or"
          + " '-', no '..')");
    }
    return name;
  }
}
