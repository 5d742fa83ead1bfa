package io.github.deltaconnect.sink.config;

/** How records become rows: appended, or applied as changes to one row per key. */
public enum WriteMode implements ConfigEnum {
  APPEND, UPSERT;

  @Override
  public String configValue() {
    return ConfigEnum.spell(this);
  }

  public static WriteMode of(String value) {
    return ConfigEnum.parse(WriteMode.class, value);
  }
}
