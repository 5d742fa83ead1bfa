package io.github.deltaconnect.contract.config;

import java.util.Locale;
import org.apache.avro.Schema;

/**
 * How the contract's subject is named, as in Confluent's serializers. Accepts the short names and
 * Confluent's class names, so existing configs carry over.
 */
public enum SubjectNameStrategy {
  /** {@code <topic>-value} (or {@code -key}): one contract per topic. */
  TOPIC_NAME("TopicNameStrategy"),
  /** The writer record's full name: one contract per record type, across topics. */
  RECORD_NAME("RecordNameStrategy"),
  /** {@code <topic>-<record full name>}: one contract per record type per topic. */
  TOPIC_RECORD_NAME("TopicRecordNameStrategy");

  private final String simpleName;

  SubjectNameStrategy(String simpleName) {
    this.simpleName = simpleName;
  }

  public String simpleName() {
    return simpleName;
  }

  /** Whether the subject depends on the writer schema (then it is known only per record). */
  public boolean usesRecordName() {
    return this != TOPIC_NAME;
  }

  public String subject(String topic, boolean isKey, Schema writer) {
    return switch (this) {
      case TOPIC_NAME -> topic + (isKey ? "-key" : "-value");
      case RECORD_NAME -> writer.getFullName();
      case TOPIC_RECORD_NAME -> topic + "-" + writer.getFullName();
    };
  }

  public static SubjectNameStrategy of(String value) {
    String v = value == null ? "" : value.trim();
    int dot = v.lastIndexOf('.');
    String simple = dot >= 0 ? v.substring(dot + 1) : v;
    for (SubjectNameStrategy s : values()) {
      if (s.simpleName.toLowerCase(Locale.ROOT).equals(simple.toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException("Unknown subject name strategy '" + value
        + "'; use TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy");
  }
}
