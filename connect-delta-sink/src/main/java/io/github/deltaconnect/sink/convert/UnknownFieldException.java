package io.github.deltaconnect.sink.convert;

/** A record field the table has no column for: schema drift, which evolution may resolve. */
public class UnknownFieldException extends DataException {
  private final String field;

  public UnknownFieldException(String field) {
    super("field '" + field + "' is not in the table schema");
    this.field = field;
  }

  public String field() {
    return field;
  }
}
