package io.github.deltaconnect.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;

/** One in-process KRaft broker (Kafka's test kit) and the pre-loaded benchmark topic. */
public final class Broker implements AutoCloseable {
  private final EmbeddedKafkaCluster kafka;

  public Broker() {
    Properties props = new Properties();
    props.put("offsets.topic.num.partitions", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("log.retention.bytes", "-1");
    // The Iceberg sink commits through Kafka transactions: one broker must be enough for them.
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "1");
    kafka = new EmbeddedKafkaCluster(1, props);
    kafka.start();
  }

  public String bootstrap() {
    return kafka.bootstrapServers();
  }

  public void createTopic(String topic, int partitions) {
    kafka.createTopic(topic, partitions);
  }

  /** Creates the topic and loads {@code records} events round-robin; returns the value bytes. */
  public long load(String topic, int partitions, long records) throws Exception {
    return load(topic, partitions, records, BenchEvents::event);
  }

  /** As above, with the events {@code events} makes from their sequence numbers. */
  public long load(String topic, int partitions, long records,
      java.util.function.LongFunction<byte[]> events) throws Exception {
    kafka.createTopic(topic, partitions);
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    config.put(ProducerConfig.ACKS_CONFIG, "1");
    long bytes = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (long i = 0; i < records; i++) {
        byte[] value = events.apply(i);
        bytes += value.length;
        producer.send(new ProducerRecord<>(topic, (int) (i % partitions), null, value));
      }
      producer.flush();
    }
    return bytes;
  }

  public List<TopicPartition> partitions(String topic, int count) {
    List<TopicPartition> out = new ArrayList<>();
    for (int p = 0; p < count; p++) {
      out.add(new TopicPartition(topic, p));
    }
    return out;
  }

  public Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions) throws Exception {
    Map<TopicPartition, Long> out = new HashMap<>();
    for (TopicPartition tp : partitions) {
      out.put(tp, kafka.endOffset(tp));
    }
    return out;
  }

  @Override
  public void close() {
    kafka.stop();
  }
}
