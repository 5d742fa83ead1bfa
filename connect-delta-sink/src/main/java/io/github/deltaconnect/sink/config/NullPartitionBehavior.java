package io.github.deltaconnect.sink.config;

/** How a record with a missing or null partition value is handled. */
public enum NullPartitionBehavior implements ConfigEnum {
  NULL_PARTITION, DLQ;

  @Override
  public String configValue() {
    return ConfigEnum.spell(this);
  }

  public static NullPartitionBehavior of(String value) {
    return ConfigEnum.parse(NullPartitionBehavior.class, value);
  }
}
