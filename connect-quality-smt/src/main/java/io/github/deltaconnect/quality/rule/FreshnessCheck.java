package io.github.deltaconnect.quality.rule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * A timestamp not older than {@code maxAge} and not further than {@code maxFuture} ahead of the
 * clock. Reads Connect Timestamps ({@link java.util.Date}), epoch numbers (millis, or micros when
 * configured) and ISO-8601 strings with an offset. Null and absent values pass.
 */
public final class FreshnessCheck extends PathCheck {
  private final Duration maxAge;
  private final Duration maxFuture;
  private final boolean micros;
  private final Clock clock;

  public FreshnessCheck(FieldPath path, Duration maxAge, Duration maxFuture, boolean micros,
      Clock clock, boolean showValues) {
    super(path, showValues);
    this.maxAge = maxAge;
    this.maxFuture = maxFuture;
    this.micros = micros;
    this.clock = clock;
  }

  @Override
  String check(Object value) {
    if (PathCheck.nothing(value)) {
      return null;
    }
    long eventMicros;
    if (value instanceof java.util.Date date) {
      eventMicros = saturatedMicros(date.getTime());
    } else if (value instanceof Long || value instanceof Integer) {
      long n = ((Number) value).longValue();
      eventMicros = micros ? n : saturatedMicros(n);
    } else if (value instanceof CharSequence text) {
      try {
        Instant at = Instant.parse(text);
        eventMicros = saturatedMicros(at.toEpochMilli()) + (at.getNano() / 1000) % 1000;
      } catch (DateTimeParseException | ArithmeticException e) {
        return path + " is " + show(value) + ", not an ISO-8601 timestamp";
      }
    } else {
      return path + " is " + show(value) + ", not a timestamp";
    }
    long nowMicros = saturatedMicros(clock.millis());
    long ageMicros = nowMicros - eventMicros;
    if (maxAge != null && ageMicros > maxAge.toNanos() / 1000) {
      return path + " is " + show(value) + ", " + Duration.of(ageMicros, ChronoUnit.MICROS)
          + " old, older than " + maxAge;
    }
    if (maxFuture != null && -ageMicros > maxFuture.toNanos() / 1000) {
      return path + " is " + show(value) + ", " + Duration.of(-ageMicros, ChronoUnit.MICROS)
          + " ahead, further than " + maxFuture;
    }
    return null;
  }

  private static long saturatedMicros(long millis) {
    if (millis > Long.MAX_VALUE / 1000) {
      return Long.MAX_VALUE / 2;
    }
    if (millis < Long.MIN_VALUE / 1000) {
      return Long.MIN_VALUE / 2;
    }
    return millis * 1000;
  }
}
