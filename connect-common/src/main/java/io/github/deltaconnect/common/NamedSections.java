package io.github.deltaconnect.common;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigException;

/**
 * Checks for configuration shaped as a list of names, each with its own properties under
 * {@code <prefix><name>.<property>} ({@code rules=a,b} with {@code rule.a.type=...}; {@code
 * delta.gates=g} with {@code delta.gate.g.metric=...}). Every error names the property.
 */
public final class NamedSections {
  private static final String NAME = "[A-Za-z0-9_-]+";

  private NamedSections() {}

  /** Each name well-formed (letters, digits, '_' and '-'), none twice. */
  public static void checkNames(String listKey, List<String> names, String kind) {
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (!name.matches(NAME)) {
        throw new ConfigException(listKey, String.join(",", names), kind + " name '" + name
            + "' may only hold letters, digits, '_' and '-'");
      }
      if (!seen.add(name)) {
        throw new ConfigException(listKey, String.join(",", names), kind + " '" + name
            + "' is listed twice");
      }
    }
  }

  /**
   * Every key under {@code prefix} belongs to a listed name and is one of {@code properties}: a
   * section for a name not listed, or a misspelt property, would otherwise be ignored silently.
   */
  public static void checkKeys(Map<String, String> props, String prefix, String listKey,
      List<String> names, Set<String> properties, String kind) {
    for (Map.Entry<String, String> e : props.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith(prefix)) {
        continue;
      }
      String rest = key.substring(prefix.length());
      int dot = rest.indexOf('.');
      String name = dot < 0 ? rest : rest.substring(0, dot);
      if (!names.contains(name)) {
        throw new ConfigException(key, e.getValue(), kind + " '" + name + "' is configured but"
            + " not listed in " + listKey + " " + names);
      }
      String property = dot < 0 ? "" : rest.substring(dot + 1);
      if (!properties.contains(property)) {
        throw new ConfigException(key, e.getValue(), "unknown " + kind + " property '" + property
            + "'; a " + kind + " has " + new TreeSet<>(properties));
      }
    }
  }
}
