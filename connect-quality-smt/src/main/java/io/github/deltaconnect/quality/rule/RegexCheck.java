package io.github.deltaconnect.quality.rule;

import java.util.regex.Pattern;

/** A string that matches the pattern as a whole. Null and absent values pass. */
public final class RegexCheck extends PathCheck {
  private final Pattern pattern;

  public RegexCheck(FieldPath path, Pattern pattern, boolean showValues) {
    super(path, showValues);
    this.pattern = pattern;
  }

  @Override
  String check(Object value) {
    if (PathCheck.nothing(value)) {
      return null;
    }
    if (!(value instanceof CharSequence text)) {
      return path + " is " + show(value) + ", not a string";
    }
    return pattern.matcher(text).matches() ? null
        : path + " is " + show(value) + ", which does not match " + pattern.pattern();
  }
}
