package io.github.deltaconnect.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * Kafka's in-process cluster (KRaft broker + Connect workers) with the packaged plugin on the
 * workers' {@code plugin.path}, tuned to start and rebalance quickly on a small machine.
 */
public final class ConnectHarness {
  public static final String CONNECTOR_CLASS = "io.github.deltaconnect.sink.DeltaSinkConnector";

  private ConnectHarness() {}

  /** The directory that holds the unpacked Hub zip (set by the build). */
  public static Path pluginDir() {
    Path dir = Paths.get(System.getProperty("connect.plugin.dir", "connect-e2e/target/plugins"))
        .toAbsolutePath();
    try (Stream<Path> entries = Files.list(dir)) {
      if (entries.findAny().isEmpty()) {
        throw new IllegalStateException("empty plugin dir " + dir + ": build the bundle first");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("no plugin dir " + dir + ": build the bundle first", e);
    }
    return dir;
  }

  /** Every jar of the unpacked plugin (what Connect puts on the plugin's classpath). */
  public static java.util.List<Path> pluginJars() throws IOException {
    try (Stream<Path> files = Files.walk(pluginDir())) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jar")).toList();
    }
  }

  /** The repository root, where config-examples/ lives. */
  public static Path projectRoot() {
    return Paths.get(System.getProperty("project.root", ".")).toAbsolutePath().normalize();
  }

  public static EmbeddedConnectCluster start(String name, int workers) throws InterruptedException {
    Map<String, String> worker = new HashMap<>();
    worker.put("plugin.path", pluginDir().toString());
    worker.put("plugin.discovery", "service_load");
    worker.put("scheduled.rebalance.max.delay.ms", "1000"); // a lost worker's tasks move in ~1 s
    worker.put("offset.flush.interval.ms", "500");
    worker.put("offset.storage.partitions", "1");
    worker.put("status.storage.partitions", "1");
    worker.put("session.timeout.ms", "10000");
    worker.put("heartbeat.interval.ms", "1000");
    worker.put("consumer.session.timeout.ms", "10000");
    worker.put("consumer.heartbeat.interval.ms", "1000");
    worker.put("connector.client.config.override.policy", "All");
    Properties broker = new Properties();
    broker.put("offsets.topic.num.partitions", "1");
    broker.put("group.initial.rebalance.delay.ms", "0");
    EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
        .name(name)
        .numWorkers(workers)
        .numBrokers(1)
        .workerProps(worker)
        .brokerProps(broker)
        .build();
    cluster.start();
    cluster.assertions().assertAtLeastNumWorkersAreUp(workers, "workers did not start");
    return cluster;
  }

  /** Connector settings shared by the tests and the demo: JSON with schemas, DLQ on. */
  public static Map<String, String> sinkConfig(String topics, Path table, String dlqTopic) {
    Map<String, String> p = new HashMap<>();
    p.put("connector.class", CONNECTOR_CLASS);
    p.put("topics", topics);
    p.put("tasks.max", "2");
    p.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    p.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    p.put("value.converter.schemas.enable", "true");
    p.put("delta.table.location", table.toString());
    p.put("delta.partition.fields", "partition_date,region");
    p.put("delta.partition.derived", "partition_date=date(event_ts)");
    p.put("delta.flush.size", "1000");
    p.put("delta.flush.interval.ms", "1000");
    p.put("errors.tolerance", "all");
    p.put("errors.deadletterqueue.topic.name", dlqTopic);
    p.put("errors.deadletterqueue.topic.replication.factor", "1");
    p.put("errors.deadletterqueue.context.headers.enable", "true");
    p.put("consumer.override.auto.offset.reset", "earliest");
    return p;
  }
}
