package io.github.deltaconnect.sink.gate;

import org.apache.kafka.connect.errors.ConnectException;

/**
 * A gate with action halt_and_alert was broken: nothing of the batch was committed, so its
 * records stay in Kafka after the stored offsets and come again when the task is restarted.
 */
public final class GateHalted extends ConnectException {
  private final GateDecision decision;

  public GateHalted(String message, GateDecision decision) {
    super(message);
    this.decision = decision;
  }

  public GateDecision decision() {
    return decision;
  }
}
