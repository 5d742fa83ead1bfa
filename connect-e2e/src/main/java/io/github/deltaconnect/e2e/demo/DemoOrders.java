package io.github.deltaconnect.e2e.demo;

import io.github.deltaconnect.contract.testing.Wire;
import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The demo's orders: Avro in the Schema Registry wire format under a data contract with a CEL
 * rule (amounts up to 1,000 in version 1 of the contract), with bytes that are not in the wire
 * format and a producer whose writer schema the contract cannot read. Each record's Kafka time is
 * the order's time, so a day of orders is an offset range a replay can start from.
 */
public final class DemoOrders {
  static final Schema ORDER = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Order\","
      + "\"namespace\":\"demo\",\"fields\":[{\"name\":\"order_id\",\"type\":\"string\"},"
      + "{\"name\":\"region\",\"type\":\"string\"},{\"name\":\"amount\",\"type\":\"double\"},"
      + "{\"name\":\"order_ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}");
  /** A producer ahead of the contract: one more field, which no registry resolves here. */
  static final Schema ORDER_WITH_COUPON = new Schema.Parser().parse(ORDER.toString()
      .replace("]}", ",{\"name\":\"coupon\",\"type\":\"string\"}]}"));

  private final Map<String, Long> produced = new LinkedHashMap<>();
  private final Map<String, Long> largeByDay = new TreeMap<>();

  public Map<String, Long> produced() {
    return Map.copyOf(produced);
  }

  public long total() {
    return produced.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Orders above 1,000 per day (refused by contract v1, admitted by v2). */
  public Map<String, Long> largeByDay() {
    return Map.copyOf(largeByDay);
  }

  public void produce(String bootstrap, String topic, int days, int perDay) {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(), new ByteArraySerializer())) {
      for (int d = 0; d < days; d++) {
        for (int i = 0; i < perDay; i++) {
          String id = "ord-" + d + "-" + i;
          long ts = DemoEvents.T0 + d * DemoEvents.DAY + i * (DemoEvents.DAY / perDay);
          int partition = i % 2;
          boolean large = i % 20 == 7;
          GenericRecord order = new GenericData.Record(ORDER);
          order.put("order_id", id);
          order.put("region", DemoEvents.REGIONS[i % 3]);
          order.put("amount", large ? 1500.0 + i : 20.0 + (i % 50));
          order.put("order_ts", ts);
          byte[] value = Wire.encode(1, ORDER, order);
          String kind = large ? "valid, amount above 1,000" : "valid";
          if (i % 60 == 31) {
            value = ("not avro " + id).getBytes(StandardCharsets.UTF_8);
            kind = "not in the wire format";
          } else if (i % 90 == 13) {
            GenericRecord ahead = new GenericData.Record(ORDER_WITH_COUPON);
            ORDER.getFields().forEach(f -> ahead.put(f.name(), order.get(f.name())));
            ahead.put("coupon", "XMAS");
            value = Wire.encode(2, ORDER_WITH_COUPON, ahead);
            kind = "writer schema the contract cannot read";
          } else if (large) {
            largeByDay.merge("day " + (d + 1), 1L, Long::sum);
          }
          producer.send(new ProducerRecord<>(topic, partition, ts, id, value));
          produced.merge(kind, 1L, Long::sum);
        }
      }
      producer.flush();
    }
  }

  /** The reason a contract converter refusal carries: "[RULE_FAILED] rule 'amountCap' ...". */
  public static Map<String, Long> dlqByReason(ConsumerRecords<byte[], byte[]> dlq) {
    Map<String, Long> out = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> r : dlq) {
      Header h = r.headers().lastHeader("__connect.errors.exception.message");
      String m = h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
      String reason = m.startsWith("[") && m.indexOf(']') > 0 ? m.substring(0, m.indexOf(']') + 1)
          : "other";
      if (reason.equals("[RULE_FAILED]")) {
        reason += " rule amountCap";
      }
      out.merge(reason, 1L, Long::sum);
    }
    return out;
  }

  /** Rows per day of the orders table, failing if an order is there twice. */
  public static Map<String, Long> rowsPerDay(Path table) {
    Map<String, Long> out = new TreeMap<>();
    Map<String, Integer> seen = new HashMap<>();
    List<Map<String, Object>> rows = new TableReader(table.toUri().toString()).rows();
    for (Map<String, Object> row : rows) {
      String id = (String) row.get("order_id");
      if (seen.merge(id, 1, Integer::sum) > 1) {
        throw new IllegalStateException("order " + id + " is in the table twice");
      }
      out.merge("day " + (Integer.parseInt(id.split("-")[1]) + 1), 1L, Long::sum);
    }
    return out;
  }

  /** Checks that no version from {@code from} on holds an order twice; returns how many. */
  public static int oncePerVersion(Path table, long from) {
    TableReader reader = new TableReader(table.toUri().toString());
    long last = reader.snapshot().getVersion();
    for (long v = from; v <= last; v++) {
      Map<String, Integer> seen = new HashMap<>();
      for (Map<String, Object> row : reader.rows(v)) {
        if (seen.merge((String) row.get("order_id"), 1, Integer::sum) > 1) {
          throw new IllegalStateException("version " + v + " holds order " + row.get("order_id")
              + " twice");
        }
      }
    }
    return (int) (last - from + 1);
  }

  public static long version(Path table) {
    return new TableReader(table.toUri().toString()).snapshot().getVersion();
  }
}
