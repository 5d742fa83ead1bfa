package io.github.deltaconnect.quality.rule;

import java.util.Set;
import java.util.TreeSet;

/**
 * A value among the allowed ones, compared as text ({@code 1} for the integer 1, {@code true}
 * for a boolean). Null and absent values pass.
 */
public final class AllowedCheck extends PathCheck {
  private final Set<String> allowed;
  private final String listed;

  public AllowedCheck(FieldPath path, Set<String> allowed, boolean showValues) {
    super(path, showValues);
    this.allowed = Set.copyOf(allowed);
    this.listed = String.join(", ", new TreeSet<>(allowed));
  }

  @Override
  String check(Object value) {
    if (PathCheck.nothing(value)) {
      return null;
    }
    return allowed.contains(value.toString()) ? null
        : path + " is " + show(value) + ", not one of [" + listed + "]";
  }
}
