package io.github.deltaconnect.bench;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The benchmark's event: ids, strings, a timestamp, a double and a nested struct, about 200 bytes
 * of payload, as JsonConverter messages with the schema embedded (about 900 bytes on the wire),
 * the format most Connect deployments without a registry use.
 */
public final class BenchEvents {
  static final String[] REGIONS = {"eu-west", "us-east", "ap-south", "sa-east"};
  static final String[] TYPES = {"view", "click", "purchase", "refund"};
  static final String[] OS = {"android", "ios", "web"};
  static final long T0 = 1_795_000_000_000L;
  /** Distinct values of {@code tenant}: the many-partitions scenario partitions the table by it. */
  static final int TENANTS = 100;
  private static final String SCHEMA = "{\"type\":\"struct\",\"name\":\"Event\",\"optional\":false,"
      + "\"fields\":["
      + "{\"field\":\"event_id\",\"type\":\"string\",\"optional\":false},"
      + "{\"field\":\"source_system\",\"type\":\"string\",\"optional\":false},"
      + "{\"field\":\"user_id\",\"type\":\"int64\",\"optional\":false},"
      + "{\"field\":\"session_id\",\"type\":\"string\",\"optional\":true},"
      + "{\"field\":\"region\",\"type\":\"string\",\"optional\":true},"
      + "{\"field\":\"tenant\",\"type\":\"string\",\"optional\":false},"
      + "{\"field\":\"event_type\",\"type\":\"string\",\"optional\":false},"
      + "{\"field\":\"amount\",\"type\":\"double\",\"optional\":true},"
      + "{\"field\":\"event_ts\",\"type\":\"int64\",\"optional\":false,"
      + "\"name\":\"org.apache.kafka.connect.data.Timestamp\",\"version\":1},"
      + "{\"field\":\"device\",\"type\":\"struct\",\"optional\":true,\"name\":\"Device\",\"fields\":["
      + "{\"field\":\"os\",\"type\":\"string\",\"optional\":false},"
      + "{\"field\":\"model\",\"type\":\"string\",\"optional\":true},"
      + "{\"field\":\"app_version\",\"type\":\"string\",\"optional\":true}]}]}";

  /** The same event as an Avro record, for the Schema Registry wire format. */
  public static final String AVRO_SCHEMA = "{\"type\":\"record\",\"name\":\"Event\","
      + "\"namespace\":\"bench\",\"fields\":["
      + "{\"name\":\"event_id\",\"type\":\"string\"},"
      + "{\"name\":\"source_system\",\"type\":\"string\"},"
      + "{\"name\":\"user_id\",\"type\":\"long\"},"
      + "{\"name\":\"session_id\",\"type\":[\"null\",\"string\"],\"default\":null},"
      + "{\"name\":\"region\",\"type\":[\"null\",\"string\"],\"default\":null},"
      + "{\"name\":\"tenant\",\"type\":\"string\"},"
      + "{\"name\":\"event_type\",\"type\":\"string\"},"
      + "{\"name\":\"amount\",\"type\":[\"null\",\"double\"],\"default\":null},"
      + "{\"name\":\"event_ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
      + "{\"name\":\"device\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"Device\","
      + "\"fields\":[{\"name\":\"os\",\"type\":\"string\"},"
      + "{\"name\":\"model\",\"type\":[\"null\",\"string\"],\"default\":null},"
      + "{\"name\":\"app_version\",\"type\":[\"null\",\"string\"],\"default\":null}]}],"
      + "\"default\":null}]}";

  private BenchEvents() {}

  /**
   * Event {@code seq} (the same values as {@link #event}) in the Schema Registry wire format:
   * magic byte 0, the schema id, the Avro binary encoding.
   */
  public static byte[] avroEvent(long seq, int schemaId, org.apache.avro.Schema schema) {
    org.apache.avro.Schema device = schema.getField("device").schema().getTypes().get(1);
    org.apache.avro.generic.GenericRecord d = new org.apache.avro.generic.GenericData.Record(device);
    d.put("os", OS[(int) (seq % OS.length)]);
    d.put("model", "model-" + (seq % 97));
    d.put("app_version", "7." + (seq % 13) + ".2");
    org.apache.avro.generic.GenericRecord r = new org.apache.avro.generic.GenericData.Record(schema);
    r.put("event_id", String.format(Locale.ROOT, "%016x-%08x", seq * 2654435761L, seq));
    r.put("source_system", "checkout-service");
    r.put("user_id", seq * 31 % 1_000_003);
    r.put("session_id", "s-" + Long.toString(seq / 20, 36));
    r.put("region", REGIONS[(int) (seq % REGIONS.length)]);
    r.put("tenant", "t-" + (seq % TENANTS));
    r.put("event_type", TYPES[(int) (seq % TYPES.length)]);
    r.put("amount", Math.round((seq % 10_000) * 37.0) / 100.0);
    r.put("event_ts", T0 + seq * 7);
    r.put("device", d);
    return io.github.deltaconnect.contract.testing.Wire.encode(schemaId, schema, r);
  }

  public static byte[] event(long seq) {
    long ts = T0 + seq * 7;
    String json = "{\"schema\":" + SCHEMA + ",\"payload\":{"
        + "\"event_id\":\"" + String.format(Locale.ROOT, "%016x-%08x", seq * 2654435761L, seq) + "\","
        + "\"source_system\":\"checkout-service\","
        + "\"user_id\":" + (seq * 31 % 1_000_003) + ","
        + "\"session_id\":\"s-" + Long.toString(seq / 20, 36) + "\","
        + "\"region\":\"" + REGIONS[(int) (seq % REGIONS.length)] + "\","
        + "\"tenant\":\"t-" + (seq % TENANTS) + "\","
        + "\"event_type\":\"" + TYPES[(int) (seq % TYPES.length)] + "\","
        + "\"amount\":" + String.format(Locale.ROOT, "%.2f", (seq % 10_000) * 0.37) + ","
        + "\"event_ts\":" + ts + ","
        + "\"device\":{\"os\":\"" + OS[(int) (seq % OS.length)] + "\",\"model\":\"model-"
        + (seq % 97) + "\",\"app_version\":\"7." + (seq % 13) + ".2\"}}}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /** The payload part alone (what a schema registry format would carry), for size reporting. */
  public static int payloadBytes(byte[] event) {
    String s = new String(event, StandardCharsets.UTF_8);
    return s.length() - s.indexOf("\"payload\":") - "\"payload\":".length() - 1;
  }
}
