package io.github.deltaconnect.sink.cdc;

import io.github.deltaconnect.sink.convert.DataException;

/** A change event the upsert mode cannot apply; the record goes to the DLQ with this reason. */
public class InvalidChange extends DataException {
  public InvalidChange(String message) {
    super(message);
  }
}
