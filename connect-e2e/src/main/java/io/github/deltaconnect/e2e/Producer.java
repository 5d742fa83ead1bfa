package io.github.deltaconnect.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/** Sends string records in batches (the test kit's produce() waits for each record). */
public final class Producer implements AutoCloseable {
  private final KafkaProducer<String, String> producer;
  private final List<Future<RecordMetadata>> pending = new ArrayList<>();

  public Producer(EmbeddedConnectCluster connect) {
    producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 5),
        new StringSerializer(), new StringSerializer());
  }

  public void send(String topic, int partition, String key, String value) {
    pending.add(producer.send(new ProducerRecord<>(topic, partition, key, value)));
  }

  /** As above, with the record's timestamp (its event time). */
  public void send(String topic, int partition, long timestamp, String key, String value) {
    pending.add(producer.send(new ProducerRecord<>(topic, partition, timestamp, key, value)));
  }

  /** Blocks until every record sent so far is acknowledged. */
  public void flush() throws Exception {
    producer.flush();
    for (Future<RecordMetadata> f : pending) {
      f.get();
    }
    pending.clear();
  }

  @Override
  public void close() throws Exception {
    flush();
    producer.close();
  }
}
