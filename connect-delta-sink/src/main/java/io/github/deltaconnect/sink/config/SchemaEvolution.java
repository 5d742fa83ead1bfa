package io.github.deltaconnect.sink.config;

/** How the table schema follows the records' schema. */
public enum SchemaEvolution implements ConfigEnum {
  NONE,
  ADD_COLUMNS;

  @Override
  public String configValue() {
    return ConfigEnum.spell(this);
  }

  public static SchemaEvolution of(String value) {
    return ConfigEnum.parse(SchemaEvolution.class, value);
  }
}
