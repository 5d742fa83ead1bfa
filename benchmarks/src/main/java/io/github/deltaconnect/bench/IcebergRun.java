package io.github.deltaconnect.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One run of the Apache Iceberg Kafka Connect sink (1.12.0, Hadoop catalog on local files) on a
 * Kafka Connect 4.3 worker JVM, over the same pre-loaded topic: from connector creation until the
 * table's current snapshot holds every record. Read from the table's metadata JSON, so the driver
 * needs no Iceberg classes.
 */
public final class IcebergRun {
  private IcebergRun() {}

  public static SinkRun.Result run(String name, Broker broker, String topic, long records,
      long bytes, int tasks, String heap, Path work, Path workerLib, Path icebergPlugins,
      long commitIntervalMs, Map<String, String> workerProps) throws Exception {
    return run(name, broker, topic, records, bytes, tasks, heap, work, workerLib,
        icebergPlugins.toString(), commitIntervalMs, workerProps, Map.of());
  }

  /**
   * As above, with more plugin directories on the worker's {@code pluginPath} (comma-separated:
   * another plugin's converter) and connector settings {@code overrides}.
   */
  public static SinkRun.Result run(String name, Broker broker, String topic, long records,
      long bytes, int tasks, String heap, Path work, Path workerLib, String pluginPath,
      long commitIntervalMs, Map<String, String> workerProps, Map<String, String> overrides)
      throws Exception {
    Path warehouse = work.resolve(name + "-warehouse");
    String control = "control-" + name;
    broker.createTopic(control, 1);
    try (Worker worker = new Worker(work.resolve(name + "-worker"), broker.bootstrap(),
        pluginPath, heap, workerProps, workerLib)) {
      Map<String, String> config =
          SinkRun.jsonConfig("org.apache.iceberg.connect.IcebergSinkConnector", topic, tasks);
      config.put("iceberg.tables", "bench.events");
      config.put("iceberg.tables.auto-create-enabled", "true");
      config.put("iceberg.tables.default-partition-by", "region");
      config.put("iceberg.control.topic", control);
      config.put("iceberg.control.commit.interval-ms", Long.toString(commitIntervalMs));
      config.put("iceberg.catalog.type", "hadoop");
      config.put("iceberg.catalog.warehouse", warehouse.toUri().toString());
      config.putAll(overrides);
      long start = System.nanoTime();
      worker.createConnector(name, config);
      Path table = warehouse.resolve("bench").resolve("events");
      long deadline = start + Duration.ofMinutes(30).toNanos();
      String failure = null;
      Snapshot snapshot = Snapshot.read(table);
      while (snapshot.totalRecords < records) {
        failure = worker.failure(name, deadline);
        if (failure != null) {
          break;
        }
        worker.sample();
        Thread.sleep(500);
        snapshot = Snapshot.read(table);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      worker.sample();
      long onDisk = dataFiles(table.resolve("data"));
      if (worker.alive()) {
        worker.deleteConnector(name);
      }
      return new SinkRun.Result(name, tasks, records, bytes, seconds, Double.NaN,
          snapshot.snapshots, snapshot.totalDataFiles, snapshot.totalFilesSize,
          java.util.List.of(), worker.cpuSeconds(), worker.gcLog(), worker.peakRssMb(),
          onDisk - snapshot.totalDataFiles, failure);
    }
  }

  private static long dataFiles(Path data) throws Exception {
    if (!Files.isDirectory(data)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(data)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".parquet")
          && !f.getFileName().toString().startsWith(".")).count();
    }
  }

  /** The current snapshot's summary, from version-hint.text and vN.metadata.json. */
  record Snapshot(long totalRecords, long totalDataFiles, long totalFilesSize, int snapshots) {
    static Snapshot read(Path table) {
      try {
        Path metadata = table.resolve("metadata");
        Path hint = metadata.resolve("version-hint.text");
        if (!Files.exists(hint)) {
          return new Snapshot(0, 0, 0, 0);
        }
        String version = Files.readString(hint).trim();
        JsonNode root = new ObjectMapper().readTree(
            metadata.resolve("v" + version + ".metadata.json").toFile());
        long current = root.path("current-snapshot-id").asLong(-1);
        for (JsonNode s : root.path("snapshots")) {
          if (s.path("snapshot-id").asLong() == current) {
            JsonNode summary = s.path("summary");
            return new Snapshot(summary.path("total-records").asLong(),
                summary.path("total-data-files").asLong(), summary.path("total-files-size").asLong(),
                root.path("snapshots").size());
          }
        }
        return new Snapshot(0, 0, 0, 0);
      } catch (Exception e) {
        return new Snapshot(0, 0, 0, 0); // mid-write or absent: read again later
      }
    }
  }
}
