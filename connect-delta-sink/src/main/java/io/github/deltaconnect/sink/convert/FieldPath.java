package io.github.deltaconnect.sink.convert;

/**
 * Where a value sits in a record ({@code device.os}, {@code tags[]}), for error messages. Built as
 * a chain of small objects and spelled out only when an error needs it: converting a record must
 * not concatenate a string per field.
 */
public final class FieldPath {
  static final FieldPath ROOT = new FieldPath(null, "");

  private final FieldPath parent;
  private final String segment;

  private FieldPath(FieldPath parent, String segment) {
    this.parent = parent;
    this.segment = segment;
  }

  FieldPath child(String name) {
    return new FieldPath(this, name);
  }

  FieldPath element() {
    return new FieldPath(this, "[]");
  }

  @Override
  public String toString() {
    if (parent == null) {
      return segment;
    }
    String head = parent.toString();
    if (head.isEmpty()) {
      return segment;
    }
    return segment.equals("[]") ? head + segment : head + "." + segment;
  }
}
