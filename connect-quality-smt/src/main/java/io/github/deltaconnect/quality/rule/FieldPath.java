package io.github.deltaconnect.quality.rule;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * A path to a value inside a record: field names separated by dots, list elements by index
 * ({@code address.city}, {@code lines[0].sku}). Names select struct fields and map keys alike.
 * Immutable; parsed once at configuration.
 */
public final class FieldPath {

  /** What {@link #resolve} returns when the record has no such value (a map without the key). */
  public static final Object ABSENT = new Object() {
    @Override
    public String toString() {
      return "absent";
    }
  };

  private final String text;
  private final Object[] steps; // String names and Integer indexes

  private FieldPath(String text, Object[] steps) {
    this.text = text;
    this.steps = steps;
  }

  /** Parses {@code text}; IllegalArgumentException says what is wrong with it. */
  public static FieldPath parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("the field path is empty");
    }
    String t = text.trim();
    List<Object> steps = new ArrayList<>();
    int i = 0;
    while (i < t.length()) {
      char c = t.charAt(i);
      if (c == '[') {
        int close = t.indexOf(']', i);
        if (close < 0) {
          throw new IllegalArgumentException("'" + t + "' has a '[' without ']'");
        }
        String index = t.substring(i + 1, close).trim();
        try {
          int n = Integer.parseInt(index);
          if (n < 0) {
            throw new NumberFormatException();
          }
          steps.add(n);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + t + "' has an index that is not a number >= 0: ["
              + index + "]");
        }
        i = close + 1;
        if (i < t.length() && t.charAt(i) == '.') {
          i++;
          if (i == t.length()) {
            throw new IllegalArgumentException("'" + t + "' ends with '.'");
          }
        }
      } else {
        int end = i;
        while (end < t.length() && t.charAt(end) != '.' && t.charAt(end) != '[') {
          end++;
        }
        String name = t.substring(i, end);
        if (name.isEmpty()) {
          throw new IllegalArgumentException("'" + t + "' has an empty field name");
        }
        steps.add(name);
        i = end;
        if (i < t.length() && t.charAt(i) == '.') {
          i++;
          if (i == t.length()) {
            throw new IllegalArgumentException("'" + t + "' ends with '.'");
          }
        }
      }
    }
    return new FieldPath(t, steps.toArray());
  }

  /**
   * The value at this path in {@code root}: the value (null included), or {@link #ABSENT} when a
   * map lacks a key, a list is too short, a value on the way is null, or a struct's schema has no
   * such field (which {@link #missingIn} reports once per schema).
   */
  public Object resolve(Object root) {
    Object current = root;
    for (Object step : steps) {
      if (current == null) {
        return ABSENT;
      }
      if (step instanceof String name) {
        if (current instanceof Struct struct) {
          Field field = struct.schema().field(name);
          if (field == null) {
            return ABSENT;
          }
          current = struct.get(field);
        } else if (current instanceof Map<?, ?> map) {
          if (!map.containsKey(name)) {
            return ABSENT;
          }
          current = map.get(name);
        } else {
          return ABSENT;
        }
      } else {
        int index = (Integer) step;
        if (!(current instanceof List<?> list) || index >= list.size()) {
          return ABSENT;
        }
        current = list.get(index);
      }
    }
    return current;
  }

  /**
   * Where this path leaves {@code schema}: null when every step exists in it (map values and list
   * elements always may), else the step that does not, for a clear message once per schema.
   */
  public String missingIn(Schema schema) {
    Schema current = schema;
    StringBuilder walked = new StringBuilder();
    for (Object step : steps) {
      if (current == null) {
        return null; // schemaless below here: only records can tell
      }
      if (step instanceof String name) {
        switch (current.type()) {
          case STRUCT -> {
            Field field = current.field(name);
            if (field == null) {
              return "no field '" + name + "' in " + describe(walked, current);
            }
            current = field.schema();
          }
          case MAP -> current = current.valueSchema();
          default -> {
            return "'" + (walked.isEmpty() ? "the record" : walked) + "' is a "
                + current.type() + ", it has no field '" + name + "'";
          }
        }
        walked.append(walked.isEmpty() ? "" : ".").append(name);
      } else {
        if (current.type() != Schema.Type.ARRAY) {
          return "'" + (walked.isEmpty() ? "the record" : walked) + "' is a " + current.type()
              + ", not an array";
        }
        current = current.valueSchema();
        walked.append('[').append(step).append(']');
      }
    }
    return null;
  }

  private static String describe(StringBuilder walked, Schema struct) {
    String where = walked.isEmpty() ? "the record" : "'" + walked + "'";
    return where + (struct.name() == null ? "" : " (" + struct.name() + ")");
  }

  @Override
  public String toString() {
    return text;
  }
}
