package io.github.deltaconnect.sink.config;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;

/** Renders a {@link ConfigDef} as a Markdown table for the module README. */
public final class ConfigDocs {
  private ConfigDocs() {}

  public static String markdown(ConfigDef def) {
    StringBuilder sb = new StringBuilder();
    sb.append("| Property | Type | Default | Valid values | Importance | Description |\n");
    sb.append("|---|---|---|---|---|---|\n");
    List<ConfigDef.ConfigKey> keys = def.configKeys().values().stream()
        .filter(k -> !k.internalConfig)
        .toList();
    for (ConfigDef.ConfigKey k : keys) {
      sb.append("| `").append(k.name).append("` | ")
          .append(k.type.name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
          .append(defaultOf(k)).append(" | ")
          .append(k.validator == null ? "" : escape(k.validator.toString())).append(" | ")
          .append(k.importance.name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
          .append(escape(k.documentation)).append(" |\n");
    }
    return sb.toString();
  }

  private static String defaultOf(ConfigDef.ConfigKey k) {
    if (!k.hasDefault()) {
      return "required";
    }
    Object v = k.defaultValue;
    String text = v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList())
        : String.valueOf(v);
    return text.isEmpty() ? "\"\"" : "`" + text + "`";
  }

  private static String escape(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }
}
