package io.github.deltaconnect.sink.gate;

import java.util.Locale;

/** What a breached gate does with the batch. */
public enum GateAction {
  /** Nothing of the batch is committed; the task stops with the reason; the alert fires. */
  HALT_AND_ALERT,
  /**
   * The whole batch is committed to the quarantine table instead of the main one, with its
   * offsets (so it is neither lost nor repeated), and the alert fires.
   */
  QUARANTINE,
  /** The batch is committed and the alert fires. */
  ALERT,
  /**
   * For schema_hash: every record schema the task has not seen before must be registered under
   * its subject and compatible with the contract version, checked through the Schema Registry;
   * otherwise the batch halts as with {@link #HALT_AND_ALERT}.
   */
  REGISTRY_VALIDATION;

  public static GateAction of(String text) {
    return valueOf(text.trim().toUpperCase(Locale.ROOT));
  }

  /** Whether a breach of a gate with this action stops the batch from being committed. */
  public boolean halts() {
    return this == HALT_AND_ALERT || this == REGISTRY_VALIDATION;
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
