package io.github.deltaconnect.e2e.demo;

import io.github.deltaconnect.e2e.Producer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's events: a few simulated days of clicks and purchases over three regions, with what
 * production streams carry besides valid events: duplicate deliveries, a compatible schema change
 * (a new optional {@code channel} field from day 2), an incompatible one ({@code user_id} as text),
 * bytes that are not JSON, rule violations (a negative amount, an unknown region) and, on the last
 * day, a burst of events without {@code user_id} from one broken producer.
 */
public final class DemoEvents {
  public static final String[] REGIONS = {"eu-west", "us-east", "ap-south"};
  static final String[] SOURCES = {"web", "mobile", "pos"};
  /** The first simulated day starts here (UTC). */
  public static final long T0 = Instant.parse("2026-11-27T00:00:00Z").toEpochMilli();
  public static final long DAY = 86_400_000L;

  private static final String FIELDS =
      "{\"field\":\"event_id\",\"type\":\"string\",\"optional\":false},"
      + "{\"field\":\"source_system\",\"type\":\"string\",\"optional\":false},"
      + "{\"field\":\"user_id\",\"type\":\"%s\",\"optional\":true},"
      + "{\"field\":\"region\",\"type\":\"string\",\"optional\":false},"
      + "{\"field\":\"event_type\",\"type\":\"string\",\"optional\":false},"
      + "{\"field\":\"amount\",\"type\":\"double\",\"optional\":false},"
      + "{\"field\":\"event_ts\",\"type\":\"int64\",\"optional\":false,"
      + "\"name\":\"org.apache.kafka.connect.data.Timestamp\",\"version\":1}";
  private static final String V1 = schema(FIELDS.formatted("int64"), "");
  private static final String V2 = schema(FIELDS.formatted("int64"),
      ",{\"field\":\"channel\",\"type\":\"string\",\"optional\":true}");
  private static final String TEXT_USER = schema(FIELDS.formatted("string"), "");

  /** What was produced, by kind (in the order the summary shows them). */
  private final Map<String, Long> produced = new LinkedHashMap<>();
  private final int partitions;

  public DemoEvents(int partitions) {
    this.partitions = partitions;
  }

  private static String schema(String fields, String extra) {
    return "{\"type\":\"struct\",\"name\":\"Event\",\"optional\":false,\"fields\":[" + fields
        + extra + "]}";
  }

  public Map<String, Long> produced() {
    return Map.copyOf(produced);
  }

  public long total() {
    return produced.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Produces {@code days} days of {@code perDay} events each to {@code topic}. */
  public void produce(Producer producer, String topic, int days, int perDay) throws Exception {
    for (int d = 0; d < days; d++) {
      for (int i = 0; i < perDay; i++) {
        long n = (long) d * perDay + i;
        int partition = (int) (n % partitions);
        String id = "evt-" + d + "-" + i;
        String region = REGIONS[i % REGIONS.length];
        String kind = "valid";
        Long user = 1000L + (i * 37L) % 500;
        double amount = (i % 100) * 1.5;
        String userType = "int64";
        if (i % 211 == 17) {
          amount = -amount - 1; // breaks amount_not_negative: the rule fails it (DLQ)
          kind = "rule violation: negative amount";
        } else if (i % 223 == 19) {
          region = "mars"; // breaks known_region: the rule drops it (counted)
          kind = "rule violation: unknown region";
        } else if (d == 1 && i % 150 == 7) {
          userType = "string"; // an incompatible producer: user_id as text (DLQ)
          kind = "incompatible schema (user_id as text)";
        } else if (d >= 1 && i % 3 == 0) {
          kind = "valid, new optional field 'channel'";
        }
        String json = event(id, SOURCES[i % SOURCES.length], user, region,
            i % 4 == 0 ? "purchase" : "click", amount, T0 + d * DAY + i * (DAY / perDay),
            userType, kind.startsWith("valid, new") ? (i % 2 == 0 ? "app" : "site") : null);
        send(producer, topic, partition, id, json, kind);
        if (i % 97 == 5) {
          send(producer, topic, partition, id, json, "duplicate delivery"); // redelivered
        }
        if (i % 400 == 11) {
          send(producer, topic, partition, id, "{not json: " + id, "not JSON");
        }
      }
      if (d == days - 1) {
        // One producer loses user_id for a while: 300 events in a row on one partition.
        for (int i = 0; i < 300; i++) {
          String id = "evt-burst-" + i;
          send(producer, topic, 0, id, event(id, "pos", null, REGIONS[i % 3], "purchase",
              10.0, T0 + d * DAY + DAY / 2 + i * 1000L, "int64", null),
              "burst without user_id");
        }
      }
    }
    producer.flush();
  }

  private void send(Producer producer, String topic, int partition, String key, String value,
      String kind) {
    producer.send(topic, partition, key, value);
    produced.merge(kind, 1L, Long::sum);
  }

  static String event(String id, String source, Long user, String region, String type,
      double amount, long ts, String userType, String channel) {
    String schema = "string".equals(userType) ? TEXT_USER : channel != null ? V2 : V1;
    String userValue = user == null ? "null"
        : "string".equals(userType) ? "\"u-" + user + "\"" : Long.toString(user);
    return "{\"schema\":" + schema + ",\"payload\":{"
        + "\"event_id\":\"" + id + "\",\"source_system\":\"" + source + "\","
        + "\"user_id\":" + userValue + ",\"region\":\"" + region + "\","
        + "\"event_type\":\"" + type + "\","
        + "\"amount\":" + String.format(Locale.ROOT, "%.2f", amount) + ","
        + "\"event_ts\":" + ts
        + (channel == null ? "" : ",\"channel\":\"" + channel + "\"") + "}}";
  }
}
