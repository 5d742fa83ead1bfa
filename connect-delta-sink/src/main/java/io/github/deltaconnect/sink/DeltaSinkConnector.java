package io.github.deltaconnect.sink;

import io.github.deltaconnect.sink.commit.Version;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/** Lands Kafka topics in one Delta Lake table, exactly once. */
public class DeltaSinkConnector extends SinkConnector {
  private Map<String, String> props;

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    new DeltaSinkConfig(props); // fail fast on what validate() would have caught
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return DeltaSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> out = new ArrayList<>(maxTasks);
    for (int i = 0; i < maxTasks; i++) {
      Map<String, String> task = new HashMap<>(props);
      task.put(DeltaSinkTask.TASK_ID, Integer.toString(i));
      out.add(task);
    }
    return out;
  }

  @Override
  public void stop() {}

  /**
   * KIP-875, on a stopped connector: the table's stored offsets (which decide where tasks resume)
   * follow Connect's PATCH or DELETE of the connector's offsets, in one commit per table (and its
   * quarantine table). Routed by a field, the tables the connector created are listed from the
   * template's directory, and each one holding a patched partition follows.
   */
  @Override
  public boolean alterOffsets(Map<String, String> connectorConfig,
      Map<org.apache.kafka.common.TopicPartition, Long> offsets) {
    DeltaSinkConfig config = new DeltaSinkConfig(connectorConfig);
    String connectorId = config.connectorId(connectorConfig.getOrDefault("name", "delta-sink"));
    // The tables each partition's offsets live in (and their quarantine tables): as the task
    // routes them; routed by a field, every table the connector has created for the topic.
    io.github.deltaconnect.sink.route.Destinations destinations =
        new io.github.deltaconnect.sink.route.Destinations(config);
    boolean replace = config.replayMode() == io.github.deltaconnect.sink.config.ReplayMode.REPLACE;
    io.github.deltaconnect.sink.offsets.OffsetDomain domain =
        new io.github.deltaconnect.sink.offsets.OffsetDomain(connectorId);
    String root = config.tableLocation();
    int placeholder = root.indexOf("${");
    try (io.github.deltaconnect.sink.commit.DeltaTable lake =
        io.github.deltaconnect.sink.commit.DeltaTable.open(config,
            placeholder < 0 ? root : root.substring(0, Math.max(1, root.lastIndexOf('/', placeholder))))) {
      Map<io.github.deltaconnect.sink.route.Destinations.Destination,
          Map<org.apache.kafka.common.TopicPartition, Long>> byTable = new HashMap<>();
      for (Map.Entry<org.apache.kafka.common.TopicPartition, Long> e : offsets.entrySet()) {
        for (io.github.deltaconnect.sink.route.Destinations.Destination d
            : destinations.existing(e.getKey().topic(), lake.fileSystems())) {
          byTable.computeIfAbsent(d, t -> new HashMap<>()).put(e.getKey(), e.getValue());
        }
      }
      byTable.forEach((destination, tableOffsets) -> {
        io.github.deltaconnect.sink.commit.DeltaTable table = lake.beside(destination.location());
        io.github.deltaconnect.sink.offsets.OffsetRewrite.apply(table, domain, tableOffsets,
            replace, destinations.byField());
        if (config.quarantines()) {
          io.github.deltaconnect.sink.commit.DeltaTable q = lake.beside(destination.quarantine());
          io.github.deltaconnect.sink.offsets.OffsetRewrite.apply(q, domain, tableOffsets,
              replace, destinations.byField());
        }
      });
    } catch (java.io.IOException e) {
      throw new org.apache.kafka.connect.errors.ConnectException("Could not list the tables of "
          + root + " to alter their offsets", e);
    }
    return true;
  }

  @Override
  public ConfigDef config() {
    return DeltaSinkConfig.CONFIG_DEF;
  }

  /** Adds the checks that span several properties to Connect's per-property validation. */
  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config config = super.validate(connectorConfigs);
    boolean valid = config.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
    if (valid) {
      try {
        new DeltaSinkConfig(connectorConfigs);
      } catch (ConfigException e) {
        String property = propertyOf(e);
        boolean attached = false;
        for (ConfigValue v : config.configValues()) {
          if (v.name().equals(property)) {
            v.addErrorMessage(e.getMessage());
            attached = true;
          }
        }
        if (!attached) {
          // A property outside the ConfigDef (delta.gate.<name>.*): Connect reports values it has
          // no definition for too, so the error is neither lost nor pinned on another property.
          ConfigValue v = new ConfigValue(property == null ? DeltaSinkConfig.GATES : property);
          v.addErrorMessage(e.getMessage());
          config.configValues().add(v);
        }
      }
    }
    validateBundledTransforms(connectorConfigs, config);
    return config;
  }

  /**
   * Configures each of this bundle's transforms in the chain, so that errors in properties Connect
   * cannot validate (the quality rules' {@code rule.<name>.*}, whose names depend on
   * {@code rules}) show at validation, under {@code transforms.<alias>.<property>}, not only when
   * the task starts. Other plugins' transforms are left to Connect.
   */
  static void validateBundledTransforms(Map<String, String> props, Config config) {
    String chain = props.get("transforms");
    if (chain == null || chain.isBlank()) {
      return;
    }
    for (String alias : chain.split(",")) {
      alias = alias.trim();
      String prefix = "transforms." + alias + ".";
      String type = props.get(prefix + "type");
      if (type == null || !type.startsWith(BUNDLE_PACKAGE)) {
        continue;
      }
      Map<String, String> own = new java.util.HashMap<>();
      props.forEach((k, v) -> {
        if (k.startsWith(prefix) && !k.equals(prefix + "type")) {
          own.put(k.substring(prefix.length()), v);
        }
      });
      Object instance;
      try {
        instance = Class.forName(type, true, DeltaSinkConnector.class.getClassLoader())
            .getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException | LinkageError e) {
        continue; // Connect reports a type it cannot load itself
      }
      if (!(instance instanceof org.apache.kafka.connect.transforms.Transformation<?> t)) {
        continue;
      }
      try {
        t.configure(own);
      } catch (ConfigException e) {
        String property = prefix + propertyOf(e, "rules");
        ConfigValue value = config.configValues().stream()
            .filter(v -> v.name().equals(property)).findFirst().orElse(null);
        if (value == null) {
          value = new ConfigValue(property);
          config.configValues().add(value);
        }
        value.addErrorMessage(e.getMessage());
      } catch (RuntimeException e) {
        // not a configuration problem: the task will report it
      } finally {
        t.close();
      }
    }
  }

  private static final String BUNDLE_PACKAGE = "io.github.deltaconnect.";

  private static String propertyOf(ConfigException e) {
    return propertyOf(e, DeltaSinkConfig.TABLE_LOCATION);
  }

  /** ConfigException messages start "Invalid value X for configuration NAME: ..." */
  private static String propertyOf(ConfigException e, String otherwise) {
    String msg = String.valueOf(e.getMessage());
    int at = msg.indexOf("for configuration ");
    if (at < 0) {
      return otherwise;
    }
    String rest = msg.substring(at + "for configuration ".length());
    int end = rest.indexOf(':');
    return end < 0 ? rest.trim() : rest.substring(0, end).trim();
  }
}
