package io.github.deltaconnect.contract.errors;

/**
 * The registry cannot answer: unreachable after the configured retries, or it refuses the
 * converter (authentication, authorization). This is an {@link Error} on purpose: Connect's error
 * handler tolerates every {@link Exception} a converter throws under {@code errors.tolerance=all}
 * and would send the record to the dead-letter queue, turning an outage into a DLQ dump of good
 * records. An Error passes the handler and fails the task; the records stay uncommitted in Kafka
 * and are read again when the task is restarted.
 */
public class RegistryFailure extends Error {
  private static final long serialVersionUID = 1L;

  public RegistryFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
