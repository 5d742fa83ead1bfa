package io.github.deltaconnect.quality.rule;

import java.util.regex.Pattern;

/** A string that matches the pattern as a whole. Null and absent values pass. */
public final class RegexCheck extends PathCheck {
  private final Pattern pattern;

  public RegexCheck(FieldPath path, Pattern pattern) {
    super(path);
    this.pattern = pattern;
  }

  @Override
  String check(Object value) {
    if (PathCheck.nothing(value)) {
      return null;
    }
    if (!(value instanceof CharSequence text)) {
      return path + " is " + Values.show(value) + ", not a string";
    }
    return pattern.matcher(text).matches() ? null
        : path + " is " + Values.show(value) + ", which does not match " + pattern.pattern();
  }
}
