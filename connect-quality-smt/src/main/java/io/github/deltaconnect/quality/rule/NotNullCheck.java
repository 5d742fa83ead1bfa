package io.github.deltaconnect.quality.rule;

/** The value exists and is not null. */
public final class NotNullCheck extends PathCheck {

  public NotNullCheck(FieldPath path, boolean showValues) {
    super(path, showValues);
  }

  @Override
  String check(Object value) {
    return PathCheck.nothing(value) ? path + " is " + show(value) : null;
  }
}
