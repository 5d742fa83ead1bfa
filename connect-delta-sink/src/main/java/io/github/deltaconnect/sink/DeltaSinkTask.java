package io.github.deltaconnect.sink;

import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.commit.Version;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.metrics.SinkMetrics;
import io.github.deltaconnect.sink.route.TableRouter;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/** Connect's entry point for a task; all work happens in {@link TableRouter} and its tables. */
public class DeltaSinkTask extends SinkTask {
  static final String TASK_ID = "delta.task.id";

  private TableRouter sink;
  private ScheduledExecutorService ticker;

  @Override
  public String version() {
    return Version.get();
  }

  @Override
  public void start(Map<String, String> props) {
    DeltaSinkConfig config = new DeltaSinkConfig(props);
    String connectorId = config.connectorId(props.getOrDefault("name", "delta-sink"));
    int taskId = Integer.parseInt(props.getOrDefault(TASK_ID, "0"));
    SinkMetrics metrics = new SinkMetrics();
    metrics.register(connectorId, taskId);
    // Routed, this table only owns the filesystems the task's tables share.
    DeltaTable table = DeltaTable.open(config, config.routed()
        ? config.tableLocation().replace(DeltaSinkConfig.TOPIC_PLACEHOLDER, "_")
            .replace(DeltaSinkConfig.ROUTE_PLACEHOLDER, "_")
        : config.tableLocation());
    try {
      sink = new TableRouter(config, context, table, connectorId, taskId, metrics,
          System::currentTimeMillis);
    } catch (RuntimeException e) {
      table.close();
      metrics.unregister();
      throw e;
    }
    long period = Math.max(100, Math.min(1000, config.flushIntervalMs() / 5));
    ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "delta-sink-ticker-" + connectorId + "-" + taskId);
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleWithFixedDelay(sink::tick, period, period, TimeUnit.MILLISECONDS);
  }

  @Override
  public void open(Collection<TopicPartition> partitions) {
    sink.open(partitions);
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    sink.put(records);
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> preCommit(
      Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    return sink.preCommit(currentOffsets);
  }

  @Override
  public void close(Collection<TopicPartition> partitions) {
    if (sink != null) {
      sink.close(partitions);
    }
  }

  @Override
  public void stop() {
    if (ticker != null) {
      ticker.shutdownNow();
      try {
        ticker.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (sink != null) {
      sink.stop();
    }
  }
}
