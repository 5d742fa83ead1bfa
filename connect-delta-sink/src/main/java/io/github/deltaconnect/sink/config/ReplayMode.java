package io.github.deltaconnect.sink.config;

/** What a replay through Connect's offsets API does with the rows the table already holds. */
public enum ReplayMode implements ConfigEnum {
  APPEND, REPLACE;

  @Override
  public String configValue() {
    return ConfigEnum.spell(this);
  }

  public static ReplayMode of(String value) {
    return ConfigEnum.parse(ReplayMode.class, value);
  }
}
