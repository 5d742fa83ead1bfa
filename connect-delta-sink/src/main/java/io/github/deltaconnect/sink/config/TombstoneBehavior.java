package io.github.deltaconnect.sink.config;

/** How records with a null value are handled. */
public enum TombstoneBehavior implements ConfigEnum {
  IGNORE, FAIL, DLQ;

  @Override
  public String configValue() {
    return ConfigEnum.spell(this);
  }

  public static TombstoneBehavior of(String value) {
    return ConfigEnum.parse(TombstoneBehavior.class, value);
  }
}
