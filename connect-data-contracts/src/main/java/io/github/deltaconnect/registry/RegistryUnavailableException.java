package io.github.deltaconnect.registry;

/**
 * No registry URL gave a usable answer within the retry budget (connection failures, timeouts,
 * 5xx, 429) or the caller was interrupted. Transient by nature: callers must turn it into a
 * retriable failure and never into a verdict about the record being converted.
 */
public class RegistryUnavailableException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public RegistryUnavailableException(String message, int lastHttpStatus, Throwable cause) {
    super(message, lastHttpStatus, NONE, cause);
  }
}
