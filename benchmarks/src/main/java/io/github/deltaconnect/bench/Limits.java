package io.github.deltaconnect.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/** What no sink can beat: reading the topic, decoding it, and encoding the rows as Parquet. */
public final class Limits {

  /** A measured rate. */
  public record Rate(long records, long bytes, double seconds) {
    public double recordsPerSecond() {
      return records / seconds;
    }

    public double megabytesPerSecond() {
      return bytes / seconds / 1_000_000.0;
    }
  }

  private Limits() {}

  /** A plain consumer that only deserialises to byte arrays. */
  public static Rate consume(String bootstrap, String topic, List<TopicPartition> partitions,
      Map<TopicPartition, Long> endOffsets) {
    return read(bootstrap, partitions, endOffsets, null);
  }

  /** The same, plus JsonConverter's decode of every value: the worker's own cost per record. */
  public static Rate consumeAndDecode(String bootstrap, String topic,
      List<TopicPartition> partitions, Map<TopicPartition, Long> endOffsets) {
    JsonConverter converter = new JsonConverter();
    converter.configure(Map.of("schemas.enable", "true"), false);
    return read(bootstrap, partitions, endOffsets, converter);
  }

  /** The same with any converter (the contract converter, for the Avro scenario). */
  public static Rate consumeAndDecode(String bootstrap, List<TopicPartition> partitions,
      Map<TopicPartition, Long> endOffsets, Converter converter) {
    return read(bootstrap, partitions, endOffsets, converter);
  }

  private static Rate read(String bootstrap, List<TopicPartition> partitions,
      Map<TopicPartition, Long> endOffsets, Converter converter) {
    long want = endOffsets.values().stream().mapToLong(Long::longValue).sum();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long records = 0;
      long bytes = 0;
      long sink = 0;
      long start = System.nanoTime();
      while (records < want) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          records++;
          bytes += r.serializedValueSize() + Math.max(0, r.serializedKeySize());
          if (converter != null) {
            SchemaAndValue v = converter.toConnectData(r.topic(), r.value());
            sink += v.value() == null ? 0 : 1;
          }
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (converter != null && sink != records) {
        throw new IllegalStateException("decoded " + sink + " of " + records);
      }
      return new Rate(records, bytes, seconds);
    }
  }

  /**
   * Decodes {@code count} events, then times only turning them into Parquet rows and writing them,
   * SNAPPY-compressed, with parquet-mr's own example writer: no Delta, no Kafka.
   */
  public static Rate parquetEncode(Path dir, int count) throws IOException {
    JsonConverter converter = new JsonConverter();
    converter.configure(Map.of("schemas.enable", "true"), false);
    List<Struct> structs = new ArrayList<>(count);
    long bytes = 0;
    for (int i = 0; i < count; i++) {
      byte[] event = BenchEvents.event(i);
      bytes += event.length;
      structs.add((Struct) converter.toConnectData("t", event).value());
    }
    MessageType schema = MessageTypeParser.parseMessageType("message event {"
        + " required binary event_id (STRING); required binary source_system (STRING);"
        + " required int64 user_id; optional binary session_id (STRING);"
        + " optional binary region (STRING); required binary tenant (STRING);"
        + " required binary event_type (STRING);"
        + " optional double amount; required int64 event_ts (TIMESTAMP(MICROS,true));"
        + " optional group device { required binary os (STRING); optional binary model (STRING);"
        + " optional binary app_version (STRING); } }");
    Files.createDirectories(dir);
    Path file = dir.resolve("limit-" + System.nanoTime() + ".parquet");
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    long start = System.nanoTime();
    try (ParquetWriter<Group> writer = ExampleParquetWriter
        .builder(new org.apache.hadoop.fs.Path(file.toUri()))
        .withConf(new Configuration()).withType(schema)
        .withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
      for (Struct s : structs) {
        Group g = groups.newGroup();
        g.add("event_id", s.getString("event_id"));
        g.add("source_system", s.getString("source_system"));
        g.add("user_id", s.getInt64("user_id"));
        g.add("session_id", s.getString("session_id"));
        g.add("region", s.getString("region"));
        g.add("tenant", s.getString("tenant"));
        g.add("event_type", s.getString("event_type"));
        g.add("amount", s.getFloat64("amount"));
        g.add("event_ts", ((java.util.Date) s.get("event_ts")).getTime() * 1000);
        Struct d = s.getStruct("device");
        Group dg = g.addGroup("device");
        for (Field f : d.schema().fields()) {
          dg.add(f.name(), d.getString(f.name()));
        }
        writer.write(g);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Files.deleteIfExists(file);
    return new Rate(count, bytes, seconds);
  }

  static long sum(Collection<Long> values) {
    return values.stream().mapToLong(Long::longValue).sum();
  }
}
