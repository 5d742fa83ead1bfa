package io.github.deltaconnect.sink.metrics;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashSet;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Figures of the consumer the worker runs for a sink task, read from its JMX metrics (the worker
 * registers them unless its metric reporters are changed): a sink task is given no client of its
 * own, and opening one would need the brokers' address, which a connector config does not hold.
 * Connect names that consumer {@code connector-consumer-<connector>-<task>} unless the connector
 * overrides its client.id; then these figures are unknown (-1).
 */
final class WorkerConsumer {
  private static final String GROUP = "kafka.consumer:type=consumer-fetch-manager-metrics";

  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
  private final String clientId;

  WorkerConsumer(String connector, int task) {
    this.clientId = "connector-consumer-" + connector + "-" + task;
  }

  /** Bytes the consumer fetched for the task (all its partitions), or -1. */
  long bytesConsumed() {
    return read(GROUP + ",client-id=" + quoteIfNeeded(clientId), "bytes-consumed-total");
  }

  /** The partition's end offset minus the consumer's position, or -1. */
  long recordsLag(String topic, int partition) {
    // Kafka's fetch metrics write the topic with '.' as '_' in their tags.
    for (String t : new LinkedHashSet<>(List.of(topic, topic.replace('.', '_')))) {
      long lag = read(GROUP + ",client-id=" + quoteIfNeeded(clientId) + ",topic="
          + quoteIfNeeded(t) + ",partition=" + partition, "records-lag");
      if (lag >= 0) {
        return lag;
      }
    }
    return -1;
  }

  private long read(String name, String attribute) {
    try {
      ObjectName bean = new ObjectName(name);
      if (!server.isRegistered(bean)) {
        return -1;
      }
      Object value = server.getAttribute(bean, attribute);
      if (value instanceof Number n && !Double.isNaN(n.doubleValue())) {
        return n.longValue();
      }
      return -1;
    } catch (Exception e) {
      return -1; // a gauge must never fail the scrape
    }
  }

  /** As Kafka's JmxReporter writes values: quoted unless plain word characters, '-', '%', '.'. */
  static String quoteIfNeeded(String value) {
    return value.matches("[\\w-%. \t]*") ? value : ObjectName.quote(value);
  }
}
