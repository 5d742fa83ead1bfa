package io.github.deltaconnect.pipeline.render;

import java.util.Map;

/**
 * One connector to create: its name, its config (in rendering order), and for each property the
 * YAML path and line that produced it (absent for defaults the renderer adds).
 */
public record Connector(String name, Map<String, String> config, Map<String, Origin> origins) {

  public record Origin(String path, int line) {
    @Override
    public String toString() {
      return path + " (line " + line + ")";
    }
  }

  public Connector {
    config = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(config));
    origins = Map.copyOf(origins);
  }

  /** Where {@code property} came from, for messages: its YAML path, or "rendered default". */
  public String originOf(String property) {
    Origin o = origins.get(property);
    return o == null ? "(default added by pipeline render)" : o.toString();
  }
}
