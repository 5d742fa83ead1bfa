package io.github.deltaconnect.quality.rule;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The kinds of rule, as written in {@code rule.<name>.type}. */
public enum RuleType {
  NOT_NULL, REQUIRED, RANGE, REGEX, ALLOWED, LENGTH, FRESHNESS, CEL;

  public static RuleType of(String text) {
    return valueOf(text.trim().toUpperCase(Locale.ROOT));
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static List<String> configNames() {
    return Arrays.stream(values()).map(RuleType::configName).toList();
  }
}
