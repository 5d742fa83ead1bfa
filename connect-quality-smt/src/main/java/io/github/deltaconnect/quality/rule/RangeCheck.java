package io.github.deltaconnect.quality.rule;

import java.math.BigDecimal;

/**
 * A number within bounds. Integers are compared exactly with integral bounds, decimals as
 * BigDecimal, floats as doubles; NaN is outside every range. Null and absent values pass.
 */
public final class RangeCheck extends PathCheck {
  private final Bound min;
  private final Bound max;

  /** A bound: {@code value} inclusive or not; null for none. */
  public record Bound(BigDecimal value, boolean inclusive) {
    long asLong() {
      return value.longValueExact();
    }

    boolean integral() {
      try {
        value.longValueExact();
        return true;
      } catch (ArithmeticException e) {
        return false;
      }
    }
  }

  private final boolean integralMin;
  private final boolean integralMax;
  private final long minLong;
  private final long maxLong;
  private final double minDouble;
  private final double maxDouble;

  public RangeCheck(FieldPath path, Bound min, Bound max, boolean showValues) {
    super(path, showValues);
    this.min = min;
    this.max = max;
    this.integralMin = min != null && min.integral();
    this.integralMax = max != null && max.integral();
    this.minLong = integralMin ? min.asLong() : 0;
    this.maxLong = integralMax ? max.asLong() : 0;
    this.minDouble = min == null ? 0 : min.value().doubleValue();
    this.maxDouble = max == null ? 0 : max.value().doubleValue();
  }

  @Override
  String check(Object value) {
    if (PathCheck.nothing(value)) {
      return null;
    }
    if (!(value instanceof Number number)) {
      return path + " is " + show(value) + ", not a number";
    }
    if ((number instanceof Double || number instanceof Float)
        && Double.isNaN(number.doubleValue())) {
      return path + " is NaN, outside every range";
    }
    if (min != null && below(number)) {
      return path + " is " + show(value) + ", below the minimum " + min.value().toPlainString()
          + (min.inclusive() ? "" : " (exclusive)");
    }
    if (max != null && above(number)) {
      return path + " is " + show(value) + ", above the maximum " + max.value().toPlainString()
          + (max.inclusive() ? "" : " (exclusive)");
    }
    return null;
  }

  private boolean below(Number n) {
    int c = compare(n, min, integralMin, minLong, minDouble);
    return min.inclusive() ? c < 0 : c <= 0;
  }

  private boolean above(Number n) {
    int c = compare(n, max, integralMax, maxLong, maxDouble);
    return max.inclusive() ? c > 0 : c >= 0;
  }

  /** Sign of {@code n - bound}; n is not NaN. */
  private static int compare(Number n, Bound bound, boolean integral, long asLong, double asDouble) {
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
      long v = n.longValue();
      return integral ? Long.compare(v, asLong) : BigDecimal.valueOf(v).compareTo(bound.value());
    }
    if (n instanceof BigDecimal d) {
      return d.compareTo(bound.value());
    }
    return Double.compare(n.doubleValue(), asDouble);
  }
}
