package io.github.deltaconnect.sink.config;

import java.util.Locale;

/** An enum whose constants are spelled in configs as lower-case words with dashes. */
public interface ConfigEnum {
  String configValue();

  static <E extends Enum<E> & ConfigEnum> E parse(Class<E> type, String value) {
    String wanted = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (E e : type.getEnumConstants()) {
      if (e.configValue().equals(wanted)) {
        return e;
      }
    }
    throw new IllegalArgumentException("Unknown " + type.getSimpleName() + ": " + value);
  }

  static String spell(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
