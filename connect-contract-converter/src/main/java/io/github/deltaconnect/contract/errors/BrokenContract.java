package io.github.deltaconnect.contract.errors;

/**
 * The contract itself cannot be applied (a rule that does not compile), or one of its rules says
 * {@code onFailure: ERROR}: the task must stop, whatever {@code errors.tolerance} says. An
 * {@link Error} for the reason given in {@link RegistryFailure}: Connect's error handler would
 * otherwise send the record to the dead-letter queue and carry on.
 */
public class BrokenContract extends Error {
  private static final long serialVersionUID = 1L;

  public BrokenContract(String message, Throwable cause) {
    super(message, cause);
  }
}
