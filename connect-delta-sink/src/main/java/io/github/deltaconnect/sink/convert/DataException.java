package io.github.deltaconnect.sink.convert;

/**
 * A record that cannot be written as it is: it goes to the dead-letter queue when errors are
 * tolerated, and otherwise fails the task with this message.
 */
public class DataException extends org.apache.kafka.connect.errors.DataException {
  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
