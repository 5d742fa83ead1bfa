package io.github.deltaconnect.e2e;

import java.time.Instant;
import java.util.Locale;

/**
 * Sample events as JsonConverter messages with an embedded schema: the seed's fields
 * ({@code event_id, source_system, user_id, region, event_ts, ...}), plus bad records of the kinds
 * a sink meets in production.
 */
public final class Events {
  public static final String[] REGIONS = {"eu-west", "us-east", "ap-south"};
  public static final String[] SOURCES = {"web", "mobile", "pos"};
  private static final String SCHEMA = "{\"type\":\"struct\",\"name\":\"Event\",\"optional\":false,"
      + "\"fields\":["
      + "{\"field\":\"event_id\",\"type\":\"string\",\"optional\":false},"
      + "{\"field\":\"source_system\",\"type\":\"string\",\"optional\":false},"
      + "{\"field\":\"user_id\",\"type\":\"int64\",\"optional\":false},"
      + "{\"field\":\"region\",\"type\":\"string\",\"optional\":true},"
      + "{\"field\":\"event_type\",\"type\":\"string\",\"optional\":false},"
      + "{\"field\":\"amount\",\"type\":\"double\",\"optional\":true},"
      + "{\"field\":\"event_ts\",\"type\":\"int64\",\"optional\":false,"
      + "\"name\":\"org.apache.kafka.connect.data.Timestamp\",\"version\":1}]}";
  /** Base time: the seed's events span two days from here. */
  public static final long T0 = Instant.parse("2026-11-27T00:00:00Z").toEpochMilli();

  private Events() {}

  public static String id(int partition, long seq) {
    return "evt-" + partition + "-" + seq;
  }

  /** A good event; {@code seq} decides its region, time and amount deterministically. */
  public static String good(int partition, long seq) {
    String region = seq % 10 == 9 ? "null" : "\"" + REGIONS[(int) (seq % REGIONS.length)] + "\"";
    long ts = T0 + (seq % 2) * 86_400_000L + seq * 1_000L;
    return "{\"schema\":" + SCHEMA + ",\"payload\":{"
        + "\"event_id\":\"" + id(partition, seq) + "\","
        + "\"source_system\":\"" + SOURCES[(int) (seq % SOURCES.length)] + "\","
        + "\"user_id\":" + (seq * 7 % 1000) + ","
        + "\"region\":" + region + ","
        + "\"event_type\":\"" + (seq % 3 == 0 ? "purchase" : "view") + "\","
        + "\"amount\":" + String.format(Locale.ROOT, "%.2f", seq * 0.5) + ","
        + "\"event_ts\":" + ts + "}}";
  }

  /** A good event from a newer producer: the same fields plus an optional {@code channel}. */
  public static String goodWithChannel(int partition, long seq) {
    String v1 = good(partition, seq);
    return v1.replace("\"name\":\"org.apache.kafka.connect.data.Timestamp\",\"version\":1}]}",
            "\"name\":\"org.apache.kafka.connect.data.Timestamp\",\"version\":1},"
                + "{\"field\":\"channel\",\"type\":\"string\",\"optional\":true}]}")
        .replaceFirst("}}$", ",\"channel\":\"ch-" + seq + "\"}}");
  }

  /** Not JSON at all: the converter rejects it (Connect sends it to the DLQ, stage VALUE_CONVERTER). */
  public static String garbage(long seq) {
    return "this is not json #" + seq;
  }

  /** Valid JSON whose schema has a field the table does not: the sink reports it (stage TASK_PUT). */
  public static String unknownField(int partition, long seq) {
    String schema = "{\"type\":\"struct\",\"optional\":false,\"fields\":["
        + "{\"field\":\"event_id\",\"type\":\"string\",\"optional\":false},"
        + "{\"field\":\"surprise\",\"type\":\"string\",\"optional\":false}]}";
    return "{\"schema\":" + schema + ",\"payload\":{\"event_id\":\"" + id(partition, seq)
        + "\",\"surprise\":\"!\"}}";
  }
}
