package io.github.deltaconnect.quality.rule;

import java.util.Locale;

/** What a violated rule does with the record; when several are violated the strongest wins. */
public enum Action {
  /** The record passes with a header naming the violated rules. */
  TAG,
  /** The record is filtered out and counted. */
  DROP,
  /** A DataException naming rule, field and value: to the DLQ with errors.tolerance=all. */
  FAIL;

  public static Action of(String text) {
    return valueOf(text.trim().toUpperCase(Locale.ROOT));
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
