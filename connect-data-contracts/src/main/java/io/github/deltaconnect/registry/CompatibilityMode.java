package io.github.deltaconnect.registry;

import java.util.Locale;

/** A Schema Registry compatibility level. */
public enum CompatibilityMode {
  NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE;

  /** The newer schema must read data written with the older one. */
  public boolean newerReadsOlder() {
    return this == BACKWARD || this == BACKWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
  }

  /** The older schema must read data written with the newer one. */
  public boolean olderReadsNewer() {
    return this == FORWARD || this == FORWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
  }

  public static CompatibilityMode of(String level) {
    try {
      return valueOf(level.trim().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Unknown compatibility level '" + level + "'; use one of "
          + java.util.Arrays.toString(values()), e);
    }
  }
}
