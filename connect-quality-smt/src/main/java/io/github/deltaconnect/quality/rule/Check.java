package io.github.deltaconnect.quality.rule;

/** One rule's test of a record. Instances belong to one transform instance (one task thread). */
public interface Check {

  /** Null when {@code root} (the record's key or value, never null) passes; else why not. */
  String violation(Object root);
}
