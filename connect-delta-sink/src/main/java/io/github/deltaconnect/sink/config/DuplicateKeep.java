package io.github.deltaconnect.sink.config;

/** Which of several records with the same idempotency key in one batch is written. */
public enum DuplicateKeep implements ConfigEnum {
  FIRST, LAST;

  @Override
  public String configValue() {
    return ConfigEnum.spell(this);
  }

  public static DuplicateKeep of(String value) {
    return ConfigEnum.parse(DuplicateKeep.class, value);
  }
}
