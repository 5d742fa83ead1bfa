package io.github.deltaconnect.quality.rule;

/** How messages show a record's value: short, and quoted when it is a string. */
final class Values {
  static final int MAX_SHOWN = 80;

  private Values() {}

  static String show(Object value) {
    if (value == FieldPath.ABSENT) {
      return "absent";
    }
    if (value == null) {
      return "null";
    }
    String text = value instanceof byte[] bytes ? bytes.length + " bytes" : String.valueOf(value);
    if (text.length() > MAX_SHOWN) {
      text = text.substring(0, MAX_SHOWN) + "…(" + text.length() + " chars)";
    }
    return value instanceof CharSequence ? "'" + text + "'" : text;
  }

  /** The value's kind and size, not its content: for fields that may hold personal data. */
  static String hidden(Object value) {
    if (value == FieldPath.ABSENT || value == null) {
      return show(value);
    }
    if (value instanceof CharSequence text) {
      return "a string of " + text.length() + " chars (value hidden)";
    }
    return "a " + value.getClass().getSimpleName() + " (value hidden)";
  }
}
