package io.github.deltaconnect.pipeline.spec;

import java.util.List;
import java.util.Map;

/**
 * One value of a pipeline file with where it came from: its dotted path (list items as
 * {@code gates[0]}) and its 1-based line. A value is a String (scalar), a List of entries or a
 * Map of key to entry, in file order.
 */
public record Entry(String path, int line, Object value) {

  public boolean isScalar() {
    return value instanceof String || value == null;
  }

  public boolean isMap() {
    return value instanceof Map;
  }

  public boolean isList() {
    return value instanceof List;
  }

  /** The scalar's text (null for an empty value). */
  public String text() {
    return value instanceof String s ? s : null;
  }

  @SuppressWarnings("unchecked")
  public Map<String, Entry> map() {
    return (Map<String, Entry>) value;
  }

  @SuppressWarnings("unchecked")
  public List<Entry> list() {
    return (List<Entry>) value;
  }

  /** "path (line N)": how messages name an entry. */
  public String where() {
    return path + " (line " + line + ")";
  }
}
