package io.github.deltaconnect.quality.rule;

/** The value exists and is not null. */
public final class NotNullCheck extends PathCheck {

  public NotNullCheck(FieldPath path) {
    super(path);
  }

  @Override
  String check(Object value) {
    return PathCheck.nothing(value) ? path + " is " + Values.show(value) : null;
  }
}
