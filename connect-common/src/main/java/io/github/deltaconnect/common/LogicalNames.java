package io.github.deltaconnect.common;

/**
 * Names of the Connect logical types the bundle's plugins add to Connect's own, shared so that
 * what the contract converter produces, the rule engine binds and the sink writes agree.
 */
public final class LogicalNames {

  /** INT64 micros of the day (Avro time-micros); Connect's Time only holds millis. */
  public static final String TIME_MICROS = "io.github.deltaconnect.TimeMicros";
  /** INT64 micros since the epoch (Avro timestamp-micros); the Delta sink maps it to TIMESTAMP. */
  public static final String TIMESTAMP_MICROS = "io.github.deltaconnect.TimestampMicros";
  /** INT64 millis of a local date-time, no time zone (Avro local-timestamp-millis). */
  public static final String LOCAL_TIMESTAMP_MILLIS = "io.github.deltaconnect.LocalTimestampMillis";
  /** INT64 micros of a local date-time, no time zone (Avro local-timestamp-micros). */
  public static final String LOCAL_TIMESTAMP_MICROS = "io.github.deltaconnect.LocalTimestampMicros";
  /** Connect parameter holding a decimal's precision (as Confluent's converter names it). */
  public static final String DECIMAL_PRECISION = "connect.decimal.precision";

  private LogicalNames() {}
}
