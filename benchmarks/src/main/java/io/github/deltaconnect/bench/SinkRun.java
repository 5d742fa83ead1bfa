package io.github.deltaconnect.bench;

import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of the Delta sink over a pre-loaded topic in a fresh worker JVM: from connector creation
 * until the table's stored offsets cover every record, with the commits the worker logged.
 */
public final class SinkRun {
  private static final Pattern COMMIT = Pattern.compile("^(\\d+) \\[([^\\]]+)\\] .*Committed (\\d+)"
      + " records \\((\\d+) files, (\\d+) bytes\\) to .* in (\\d+) ms \\((\\w+), after (\\d+) ms"
      + " of buffering\\) for task (\\d+)");

  /** What one run measured. */
  public record Result(String name, int tasks, long records, long bytes, double seconds,
      double steadyRecordsPerSecond, int commits, long files, long fileBytes, List<Long> commitMs,
      double cpuSeconds, double gcPauseSeconds, long peakHeapMb, long peakLiveHeapMb,
      long peakRssMb, long orphanFiles, String failure) {

    Result(String name, int tasks, long records, long bytes, double seconds,
        double steadyRecordsPerSecond, int commits, long files, long fileBytes, List<Long> commitMs,
        double cpuSeconds, Worker.GcLog gc, long peakRssMb, long orphanFiles, String failure) {
      this(name, tasks, records, bytes, seconds, steadyRecordsPerSecond, commits, files, fileBytes,
          commitMs, cpuSeconds, gc.pauseSeconds(), gc.peakHeapMb(), gc.peakLiveHeapMb(), peakRssMb,
          orphanFiles, failure);
    }

    public boolean finished() {
      return failure == null;
    }

    public double recordsPerSecond() {
      return records / seconds;
    }

    public double megabytesPerSecond() {
      return bytes / seconds / 1_000_000.0;
    }

    public long commitPercentile(double p) {
      if (commitMs.isEmpty()) {
        return 0;
      }
      List<Long> sorted = new ArrayList<>(commitMs);
      sorted.sort(null);
      return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
  }

  private SinkRun() {}

  /** Our sink, committing every {@code intervalMs} (as the peer it is compared with). */
  public static Result run(String name, Broker broker, String topic, int partitions, long records,
      long bytes, int tasks, String heap, Path work, long intervalMs,
      Map<String, String> overrides) throws Exception {
    return run(name, broker, topic, partitions, records, bytes, tasks, heap, work, intervalMs,
        overrides, null, Map.of());
  }

  /** As above, on a worker run from {@code workerLib} (another Kafka version) when not null. */
  public static Result run(String name, Broker broker, String topic, int partitions, long records,
      long bytes, int tasks, String heap, Path work, long intervalMs,
      Map<String, String> overrides, Path workerLib, Map<String, String> workerProps)
      throws Exception {
    Path table = work.resolve(name + "-table");
    try (Worker worker = new Worker(work.resolve(name + "-worker"), broker.bootstrap(),
        Path.of(System.getProperty("connect.plugin.dir")).toAbsolutePath().toString(), heap,
        workerProps, workerLib)) {
      Map<String, String> config = deltaConfig(topic, tasks, table);
      config.put("delta.flush.interval.ms", Long.toString(intervalMs));
      config.put("delta.flush.size", "1000000");
      config.put("delta.buffer.memory.bytes", "268435456");
      config.put("delta.flush.bytes", "268435456");
      config.putAll(overrides);
      long start = System.nanoTime();
      worker.createConnector(name, config);
      long perPartitionLast = records / partitions - 1;
      long deadline = start + Duration.ofMinutes(30).toNanos();
      String failure = null;
      while (!covered(table, name, topic, partitions, perPartitionLast)) {
        failure = worker.failure(name, deadline);
        if (failure != null) {
          break;
        }
        worker.sample();
        Thread.sleep(500);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      worker.sample();
      // The worker logs a commit just after it is visible in the table: give the log a moment.
      List<long[]> commits = commits(worker.log());
      for (int i = 0; i < 50 && failure == null
          && commits.stream().mapToLong(c -> c[1]).sum() < records; i++) {
        Thread.sleep(100);
        commits = commits(worker.log());
      }
      long files = commits.stream().mapToLong(c -> c[2]).sum();
      long fileBytes = commits.stream().mapToLong(c -> c[3]).sum();
      List<Long> commitMs = commits.stream().map(c -> c[4]).toList();
      double steady = steadyRate(commits,
          !"false".equals(config.get("delta.commit.pipelined")));
      if (worker.alive()) {
        worker.deleteConnector(name);
      }
      return new Result(name, tasks, records, bytes, seconds, steady, commits.size(), files,
          fileBytes, commitMs, worker.cpuSeconds(), worker.gcLog(), worker.peakRssMb(),
          orphans(table), failure);
    }
  }

  /**
   * Kafka's FileStreamSink on the same worker and records: it writes each value's toString() to a
   * file, close to no sink work at all, so it shows what the worker itself costs per record.
   */
  public static Result fileStream(String name, Broker broker, String topic, long records,
      long bytes, int tasks, Path work, Path workerLib, Map<String, String> workerProps)
      throws Exception {
    Path out = work.resolve(name + ".txt");
    try (Worker worker = new Worker(work.resolve(name + "-worker"), broker.bootstrap(),
        Path.of(System.getProperty("connect.plugin.dir")).toAbsolutePath().toString(), "2g",
        workerProps, workerLib)) {
      Map<String, String> config =
          jsonConfig("org.apache.kafka.connect.file.FileStreamSinkConnector", topic, tasks);
      config.put("file", out.toString());
      long start = System.nanoTime();
      worker.createConnector(name, config);
      long deadline = start + Duration.ofMinutes(30).toNanos();
      String failure = null;
      while (lines(out) < records) {
        if (System.nanoTime() > deadline || !worker.alive()) {
          failure = "did not finish";
          break;
        }
        worker.sample();
        Thread.sleep(250);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      worker.sample();
      worker.deleteConnector(name);
      Files.deleteIfExists(out);
      return new Result(name, tasks, records, bytes, seconds, Double.NaN, 0, 1, 0, List.of(),
          worker.cpuSeconds(), worker.gcLog(), worker.peakRssMb(), 0, failure);
    }
  }

  private static long lines(Path file) throws java.io.IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    long n = 0;
    try (java.io.InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file),
        1 << 20)) {
      byte[] buf = new byte[1 << 20];
      for (int r = in.read(buf); r > 0; r = in.read(buf)) {
        for (int i = 0; i < r; i++) {
          if (buf[i] == '\n') {
            n++;
          }
        }
      }
    }
    return n;
  }

  /** A sink connector reading JSON-with-schema from the start of {@code topic}. */
  static Map<String, String> jsonConfig(String connectorClass, String topic, int tasks) {
    Map<String, String> config = new HashMap<>();
    config.put("connector.class", connectorClass);
    config.put("topics", topic);
    config.put("tasks.max", Integer.toString(tasks));
    config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    config.put("value.converter.schemas.enable", "true");
    config.put("consumer.override.auto.offset.reset", "earliest");
    return config;
  }

  /** Our sink into {@code table}, partitioned by the derived date and region. */
  static Map<String, String> deltaConfig(String topic, int tasks, Path table) {
    Map<String, String> config =
        jsonConfig("io.github.deltaconnect.sink.DeltaSinkConnector", topic, tasks);
    config.put("delta.table.location", table.toString());
    config.put("delta.partition.fields", "partition_date,region");
    config.put("delta.partition.derived", "partition_date=date(event_ts)");
    return config;
  }

  /** Parquet files under the table that no table version references. */
  static long orphans(Path table) {
    try (java.util.stream.Stream<Path> files = Files.walk(table)) {
      long onDisk = files.filter(f -> f.toString().endsWith(".parquet")
          && !f.toString().contains("_delta_log")).count();
      return onDisk - new TableReader(table.toUri().toString()).dataFiles().size();
    } catch (Exception e) {
      return -1;
    }
  }

  static boolean covered(Path table, String connector, String topic, int partitions,
      long last) {
    try {
      TableReader reader = new TableReader(table.toUri().toString());
      var snapshot = reader.snapshot();
      for (int p = 0; p < partitions; p++) {
        String json = snapshot.getDomainMetadata("kafka.offsets." + connector + "." + topic + "." + p)
            .orElse("");
        if (!json.contains("\"offset\":" + last + ",")) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException e) {
      return false; // no table yet
    }
  }

  /**
   * Commit lines: [end time ms, records, files, bytes, commit ms, buffering ms, full (1) or not,
   * thread hash].
   */
  static List<long[]> commits(Path log) throws Exception {
    List<long[]> out = new ArrayList<>();
    if (!Files.exists(log)) {
      return out;
    }
    for (String line : Files.readAllLines(log)) {
      Matcher m = COMMIT.matcher(line);
      if (m.find()) {
        String reason = m.group(7);
        boolean full = reason.equals("RECORDS") || reason.equals("BYTES") || reason.equals("MEMORY");
        out.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(3)),
            Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), Long.parseLong(m.group(6)),
            Long.parseLong(m.group(8)), full ? 1 : 0, Long.parseLong(m.group(9))});
      }
    }
    out.sort((a, b) -> Long.compare(a[0], b[0]));
    return out;
  }

  /**
   * The rate a task takes records in while the topic is backlogged: over the batches that filled
   * up (by count, bytes or memory), records / (buffering + commit time), summed over the tasks.
   * NaN when no batch filled up (the interval committed everything).
   */
  static double steadyRate(List<long[]> commits, boolean pipelined) {
    Map<Long, long[]> perTask = new HashMap<>();
    for (long[] c : commits) {
      if (c[6] == 1) {
        long[] t = perTask.computeIfAbsent(c[7], k -> new long[2]);
        t[0] += c[1];
        // Pipelined, a batch's commit overlaps the next batch's buffering (which includes any
        // wait for it): the buffering times alone add up to the wall time.
        t[1] += pipelined ? c[5] : c[5] + c[4];
      }
    }
    if (perTask.isEmpty()) {
      return Double.NaN;
    }
    return perTask.values().stream().mapToDouble(t -> t[0] / (t[1] / 1000.0)).sum();
  }
}
