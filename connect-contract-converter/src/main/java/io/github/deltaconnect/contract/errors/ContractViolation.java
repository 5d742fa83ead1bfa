package io.github.deltaconnect.contract.errors;

import org.apache.kafka.connect.errors.DataException;

/**
 * A record that breaks the contract. A {@link DataException}, so Connect's error handling sends it
 * to the dead-letter queue under {@code errors.tolerance=all} (the message, with its reason code,
 * lands in the {@code __connect.errors.exception.message} header) and stops the task otherwise.
 */
public class ContractViolation extends DataException {
  private static final long serialVersionUID = 1L;

  private final Reason reason;

  public ContractViolation(Reason reason, String message) {
    super("[" + reason.code() + "] " + message);
    this.reason = reason;
  }

  public ContractViolation(Reason reason, String message, Throwable cause) {
    super("[" + reason.code() + "] " + message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
