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
        for (ConfigValue v : config.configValues()) {
          if (v.name().equals(property)) {
            v.addErrorMessage(e.getMessage());
          }
        }
      }
    }
    return config;
  }

  /** ConfigException messages start "Invalid value X for configuration NAME: ..." */
  private static String propertyOf(ConfigException e) {
    String msg = String.valueOf(e.getMessage());
    int at = msg.indexOf("for configuration ");
    if (at < 0) {
      return DeltaSinkConfig.TABLE_LOCATION;
    }
    String rest = msg.substring(at + "for configuration ".length());
    int end = rest.indexOf(':');
    return end < 0 ? rest.trim() : rest.substring(0, end).trim();
  }
}
