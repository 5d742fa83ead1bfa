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
  ALERT;

  public static GateAction of(String text) {
    return valueOf(text.trim().toUpperCase(Locale.ROOT));
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
