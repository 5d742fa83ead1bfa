package io.github.deltaconnect.registry;

/**
 * A Schema Registry call failed. Carries the HTTP status and Confluent's {@code error_code} when the
 * registry answered, so callers can tell a missing schema from a refused or broken request.
 */
public class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Stands for "no HTTP answer" in {@link #httpStatus()} and "no error_code" in {@link #errorCode()}. */
  public static final int NONE = -1;

  private final int httpStatus;
  private final int errorCode;

  public RegistryException(String message, int httpStatus, int errorCode) {
    this(message, httpStatus, errorCode, null);
  }

  public RegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  /** The HTTP status of the registry's answer, or {@link #NONE} when there was none. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Confluent's {@code error_code} (e.g. 40403), or {@link #NONE} when the body had none. */
  public int errorCode() {
    return errorCode;
  }
}
