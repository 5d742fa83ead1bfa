package io.github.deltaconnect.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Runs the benchmark scenarios on one broker and prints one table: the sink's throughput, commit
 * latency, CPU and memory per run, beside the limits no sink can beat (plain consume, consume with
 * JsonConverter decode, Parquet encode) measured in the same run on the same records.
 *
 * <p>{@code --quick} (default): 500k records; {@code --full}: 5M records. {@code --records N},
 * {@code --partitions N}, {@code --tasks 1,4} override.
 */
public final class BenchmarkRunner {

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = parse(args);
    long records = Long.parseLong(opts.getOrDefault("records",
        opts.containsKey("full") ? "5000000" : "500000"));
    int partitions = Integer.parseInt(opts.getOrDefault("partitions", "8"));
    List<Integer> taskCounts = new ArrayList<>();
    for (String t : opts.getOrDefault("tasks", "1,4").split(",")) {
      taskCounts.add(Integer.parseInt(t.trim()));
    }
    records -= records % partitions;
    Path work = Files.createTempDirectory("delta-bench-");
    String topic = "bench-events";
    StringBuilder report = new StringBuilder();
    report.append(header(args, records, partitions));

    try (Broker broker = new Broker()) {
      long loadStart = System.nanoTime();
      long bytes = broker.load(topic, partitions, records);
      System.out.printf(Locale.ROOT, "Loaded %,d records (%,d bytes, %.0f bytes each) in %.1f s%n",
          records, bytes, bytes / (double) records, (System.nanoTime() - loadStart) / 1e9);
      List<TopicPartition> tps = broker.partitions(topic, partitions);
      Map<TopicPartition, Long> ends = broker.endOffsets(tps);

      Limits.Rate consume = Limits.consume(broker.bootstrap(), topic, tps, ends);
      Limits.Rate decode = Limits.consumeAndDecode(broker.bootstrap(), topic, tps, ends);
      Limits.Rate parquet = Limits.parquetEncode(work.resolve("parquet"),
          (int) Math.min(records, 1_000_000));
      System.out.println("Limits measured; running the sink");

      List<SinkRun.Result> runs = new ArrayList<>();
      for (int tasks : taskCounts) {
        runs.add(SinkRun.run("delta-" + tasks + "t", broker, topic, partitions, records, bytes,
            tasks, "2g", work, Map.of()));
        System.out.println("Finished " + runs.get(runs.size() - 1).name());
      }

      report.append("\n### Limits (same records, same run)\n\n")
          .append("| Path | records/s | MB/s |\n|---|---:|---:|\n")
          .append(rateRow("Plain KafkaConsumer (byte[] only)", consume))
          .append(rateRow("KafkaConsumer + JsonConverter decode", decode))
          .append(rateRow("Parquet encode (parquet-mr, SNAPPY, local file)", parquet));

      report.append("\n### Delta sink (end to end: connector created → every offset in the table)\n\n")
          .append("| Run | tasks | records/s end to end | MB/s | steady records/s (between commits)"
              + " | commits | files | mean file | commit ms p50 / p99 / max | worker CPU s"
              + " | worker heap peak | worker RSS peak |\n")
          .append("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|\n");
      for (SinkRun.Result r : runs) {
        report.append(String.format(Locale.ROOT,
            "| %s | %d | %,.0f | %.1f | %,.0f | %d | %d | %.1f MB | %d / %d / %d | %.1f | %d MB | %d MB |%n",
            r.name(), r.tasks(), r.recordsPerSecond(), r.megabytesPerSecond(),
            r.steadyRecordsPerSecond(), r.commits(), r.files(),
            r.files() == 0 ? 0 : r.fileBytes() / (double) r.files() / 1e6,
            r.commitPercentile(0.5), r.commitPercentile(0.99), r.commitPercentile(1.0),
            r.cpuSeconds(), r.peakHeapMb(), r.peakRssMb()));
      }
      report.append("\n### Ratios\n\n| Run | end to end / decode bound | steady / decode bound"
          + " | end to end / plain consume | end to end / Parquet encode |\n|---|---:|---:|---:|---:|\n");
      for (SinkRun.Result r : runs) {
        report.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f |%n", r.name(),
            r.recordsPerSecond() / decode.recordsPerSecond(),
            r.steadyRecordsPerSecond() / decode.recordsPerSecond(),
            r.recordsPerSecond() / consume.recordsPerSecond(),
            r.recordsPerSecond() / parquet.recordsPerSecond()));
      }
    }
    System.out.println();
    System.out.println(report);
    Path out = Path.of(opts.getOrDefault("out", "target/benchmark-results.md"));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, report.toString());
    System.out.println("Written to " + out.toAbsolutePath() + "; work dir " + work);
    System.exit(0); // the embedded broker leaves non-daemon threads behind
  }

  private static String rateRow(String name, Limits.Rate r) {
    return String.format(Locale.ROOT, "| %s | %,.0f | %.1f |%n", name, r.recordsPerSecond(),
        r.megabytesPerSecond());
  }

  private static String header(String[] args, long records, int partitions) throws Exception {
    String mem = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
    return String.format(Locale.ROOT, "## Run of %s%n%n- Command: `./mvnw -B -q -Pbench -DskipTests"
            + " verify -Dbench.args=\"%s\"`%n- Machine: %d cores, %s, %s %s (%s)%n"
            + "- Workload: %,d JSON-with-schema events (%d bytes of payload, %d on the wire), %d"
            + " topic-partitions, 1 KRaft broker in the driver JVM, Connect worker in its own JVM"
            + " (2 GB heap), delta.flush.interval.ms=10000%n",
        Instant.now(), String.join(" ", args), Runtime.getRuntime().availableProcessors(), mem,
        System.getProperty("java.vm.name"), System.getProperty("java.version"),
        System.getProperty("os.name"), records,
        BenchEvents.payloadBytes(BenchEvents.event(1)), BenchEvents.event(1).length, partitions);
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        continue;
      }
      String key = a.substring(2);
      if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        out.put(key, args[++i]);
      } else {
        out.put(key, "true");
      }
    }
    return out;
  }
}
