package io.github.deltaconnect.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * Runs the benchmark scenarios on one broker and prints one table: the sink's throughput, commit
 * latency, CPU and memory per run, beside the limits no sink can beat (plain consume, consume with
 * JsonConverter decode, Parquet encode) measured in the same run on the same records.
 *
 * <p>{@code --quick} (default): 300k records, one task per sink, 5 s commits, one 15 s freshness run,
 * 50 records per partition in the 1,000-partition scenario,
 * and where Iceberg runs beside ours on the Kafka 4.3 worker, ours does not run again on 4.4;
 * {@code --full}: 5M records, 1 and 4 tasks, 10 s commits, 180 s freshness runs. {@code --records
 * N}, {@code --partitions N}, {@code --tasks 1,4}, {@code --interval ms} override.
 */
public final class BenchmarkRunner {

  static final String CONTRACT_CONVERTER = "io.github.deltaconnect.contract.ContractConverter";

  /** The side-by-side's peers, built by the -Pbench profile: a Kafka 4.3 worker and Iceberg. */
  record Peers(Path workerLib, Path icebergPlugins) {
    /**
     * An idle Iceberg task sees the coordinator's commit request only in put(), which Connect
     * calls about once per offset flush: 1 s keeps its commits prompt. Same worker for both sinks.
     */
    static final Map<String, String> WORKER_PROPS = Map.of("offset.flush.interval.ms", "1000");

    static Optional<Peers> built() {
      String lib = System.getProperty("bench.worker43.lib");
      String iceberg = System.getProperty("bench.iceberg.plugins");
      if (lib == null || iceberg == null || !Files.isDirectory(Path.of(lib))
          || !Files.isDirectory(Path.of(iceberg))) {
        return Optional.empty();
      }
      return Optional.of(new Peers(Path.of(lib), Path.of(iceberg)));
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = parse(args);
    long records = Long.parseLong(opts.getOrDefault("records",
        opts.containsKey("full") ? "5000000" : "300000"));
    int partitions = Integer.parseInt(opts.getOrDefault("partitions", "8"));
    List<Integer> taskCounts = new ArrayList<>();
    // --quick keeps to one task per sink so the whole suite stays within a few minutes.
    for (String t : opts.getOrDefault("tasks", opts.containsKey("full") ? "1,4" : "1").split(",")) {
      taskCounts.add(Integer.parseInt(t.trim()));
    }
    records -= records % partitions;
    Path work = Files.createTempDirectory("delta-bench-");
    String topic = "bench-events";
    StringBuilder report = new StringBuilder();
    boolean full = opts.containsKey("full");
    // Both sinks commit at this interval; every run ends by waiting out one, so --quick halves it.
    long intervalMs = Long.parseLong(opts.getOrDefault("interval", full ? "10000" : "5000"));
    List<String> scenarios = List.of(opts.getOrDefault("scenarios",
        "throughput,peer,avro,freshness,partitions").split(","));
    report.append(header(args, records, partitions, intervalMs));
    try (Broker broker = new Broker()) {
      long bytes = 0;
      if (scenarios.contains("throughput") || scenarios.contains("peer")) {
        long loadStart = System.nanoTime();
        bytes = broker.load(topic, partitions, records);
        System.out.printf(Locale.ROOT, "Loaded %,d records (%,d bytes, %.0f bytes each) in %.1f s%n",
            records, bytes, bytes / (double) records, (System.nanoTime() - loadStart) / 1e9);
      }
      if (scenarios.contains("throughput")) {
        throughput(broker, topic, records, bytes, partitions, taskCounts, intervalMs, work, report);
      }
      if (scenarios.contains("peer")) {
        peer(broker, topic, records, bytes, partitions, taskCounts, intervalMs, work, report);
      }
      if (scenarios.contains("avro")) {
        avro(broker, records, partitions, taskCounts, intervalMs, work, report,
            !"false".equals(opts.get("peers")), deltaOverrides(opts.get("delta")), full,
            opts.getOrDefault("quality", "false"),
            Integer.parseInt(opts.getOrDefault("repeat", "1")));
      }
      if (scenarios.contains("freshness")) {
        freshness(broker, work, full, report);
      }
      if (scenarios.contains("partitions")) {
        manyPartitions(broker, work, full, intervalMs, report);
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

  private static void throughput(Broker broker, String topic, long records, long bytes,
      int partitions, List<Integer> taskCounts, long intervalMs, Path work, StringBuilder report)
      throws Exception {
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
          tasks, "2g", work, intervalMs, Map.of()));
      System.out.println("Finished " + runs.get(runs.size() - 1).name());
    }

    report.append("\n### 1–2. Throughput, and the limits (same records, same run)\n\n")
        .append("| Path | records/s | MB/s |\n|---|---:|---:|\n")
        .append(rateRow("Plain KafkaConsumer (byte[] only)", consume))
        .append(rateRow("KafkaConsumer + JsonConverter decode (the decode bound)", decode))
        .append(rateRow("Parquet encode (parquet-mr, SNAPPY, local file)", parquet))
        .append("\nDelta sink, end to end = connector created → every offset in the table:\n\n");
    sinkTable(runs, report);
    report.append("\n| Run | end to end / decode bound | steady / decode bound"
        + " | end to end / plain consume | end to end / Parquet encode |\n|---|---:|---:|---:|---:|\n");
    for (SinkRun.Result r : runs) {
      report.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f |%n", r.name(),
          r.recordsPerSecond() / decode.recordsPerSecond(),
          r.steadyRecordsPerSecond() / decode.recordsPerSecond(),
          r.recordsPerSecond() / consume.recordsPerSecond(),
          r.recordsPerSecond() / parquet.recordsPerSecond()));
    }
  }

  /**
   * The side-by-side: our sink and the Apache Iceberg sink on the same Kafka Connect 4.3 worker
   * build (Iceberg 1.12.0 fails on 4.4), same records, commit interval and converter.
   */
  private static void peer(Broker broker, String topic, long records, long bytes, int partitions,
      List<Integer> taskCounts, long intervalMs, Path work, StringBuilder report)
      throws Exception {
    Peers peers = Peers.built().orElseThrow(() -> new IllegalStateException(
        "peers not built: run with -Pbench from the repository root"));
    Path workerLib = peers.workerLib();
    Path iceberg = peers.icebergPlugins();
    Map<String, String> workerProps = Peers.WORKER_PROPS;
    List<SinkRun.Result> runs = new ArrayList<>();
    SinkRun.Result fileStream = SinkRun.fileStream("filestream-4.3-1t", broker, topic, records,
        bytes, 1, work, workerLib, workerProps);
    System.out.println("Finished " + fileStream.name());
    for (int tasks : taskCounts) {
      runs.add(SinkRun.run("delta-4.3-" + tasks + "t", broker, topic, partitions, records, bytes,
          tasks, "2g", work, intervalMs, Map.of("delta.partition.fields", "region",
              "delta.partition.derived", ""), workerLib, workerProps));
      System.out.println("Finished " + runs.get(runs.size() - 1).name());
      runs.add(IcebergRun.run("iceberg-4.3-" + tasks + "t", broker, topic, records, bytes, tasks,
          "2g", work, workerLib, iceberg, intervalMs, workerProps));
      System.out.println("Finished " + runs.get(runs.size() - 1).name());
    }
    report.append("\n### 3. Side by side with the Apache Iceberg sink 1.12.0 (Kafka Connect 4.3.1"
            + " worker)\n\n")
        .append("Same records, same worker build and settings (2 GB heap,"
            + " offset.flush.interval.ms=1000), the same commit interval, JsonConverter; both tables"
            + " partitioned by `region`. Iceberg: Hadoop catalog on local files. Orphans: data files"
            + " on disk that no table version references. FileStreamSink (Kafka's own, writes each"
            + " record's toString() to a file) shows what the worker costs with almost no sink.\n\n");
    List<SinkRun.Result> table = new ArrayList<>(runs);
    table.add(0, fileStream);
    sinkTable(table, report);
    report.append("\n| tasks | ours / Iceberg, end to end | ours / Iceberg, worker CPU s"
        + " | ours / Iceberg, heap peak | ours / Iceberg, heap after GC | ours / Iceberg, RSS peak"
        + " | orphans ours / Iceberg | ours / FileStreamSink, end to end"
        + " | Iceberg / FileStreamSink, end to end |\n"
        + "|---:|---:|---:|---:|---:|---:|---|---:|---:|\n");
    for (int i = 0; i + 1 < runs.size(); i += 2) {
      SinkRun.Result ours = runs.get(i);
      SinkRun.Result peer = runs.get(i + 1);
      report.append(String.format(Locale.ROOT,
          "| %d | %.2f | %.2f | %.2f | %.2f | %.2f | %d / %d | %.2f | %.2f |%n",
          ours.tasks(), ours.recordsPerSecond() / peer.recordsPerSecond(),
          ours.cpuSeconds() / peer.cpuSeconds(),
          ours.peakHeapMb() / (double) peer.peakHeapMb(),
          ours.peakLiveHeapMb() / (double) peer.peakLiveHeapMb(),
          ours.peakRssMb() / (double) peer.peakRssMb(), ours.orphanFiles(), peer.orphanFiles(),
          ours.recordsPerSecond() / fileStream.recordsPerSecond(),
          peer.recordsPerSecond() / fileStream.recordsPerSecond()));
    }
  }

  /**
   * Scenario 6 (contracts): the same events as Schema Registry wire-format Avro, read by the
   * contract converter against a real registry, for our sink and for Iceberg's (the converter from
   * our plugin directory, on the Iceberg worker's plugin.path too).
   */
  /** {@code --delta k=v,k=v}: extra settings for our sink's runs (experiments). */
  /**
   * {@code --quality true}: the quality rules transform with five rules (one CEL) and three gates
   * (alert only, so nothing stops the run), each passing every benchmark record: their cost, not
   * their verdicts. {@code rules}: the five rules alone; {@code nocel}: the four without CEL;
   * {@code gates}: the gates alone.
   */
  static Map<String, String> qualitySettings(String variant) {
    Map<String, String> q = new LinkedHashMap<>();
    boolean rules = !"gates".equals(variant);
    boolean gates = "true".equals(variant) || "gates".equals(variant);
    boolean cel = !"nocel".equals(variant);
    if (rules) {
      rules(q, cel);
    }
    if (gates) {
      gates(q);
    }
    return q;
  }

  private static void rules(Map<String, String> q, boolean cel) {
    q.put("transforms", "dq");
    q.put("transforms.dq.type", "io.github.deltaconnect.quality.QualityRules$Value");
    q.put("transforms.dq.rules", "id_present,amount_range,id_shape,known_region,cel_rule");
    q.put("transforms.dq.rule.id_present.type", "not_null");
    q.put("transforms.dq.rule.id_present.field", "event_id");
    q.put("transforms.dq.rule.amount_range.type", "range");
    q.put("transforms.dq.rule.amount_range.field", "amount");
    q.put("transforms.dq.rule.amount_range.min", "0");
    q.put("transforms.dq.rule.amount_range.max", "1000000");
    q.put("transforms.dq.rule.id_shape.type", "regex");
    q.put("transforms.dq.rule.id_shape.field", "event_id");
    q.put("transforms.dq.rule.id_shape.pattern", "[0-9a-f]{16}-[0-9a-f]{8}");
    q.put("transforms.dq.rule.known_region.type", "allowed");
    q.put("transforms.dq.rule.known_region.field", "region");
    q.put("transforms.dq.rule.known_region.values", String.join(",", BenchEvents.REGIONS));
    q.put("transforms.dq.rule.cel_rule.type", "cel");
    q.put("transforms.dq.rule.cel_rule.expr",
        "message.tenant.startsWith('t-') && (!has(message.amount) || message.amount >= 0.0)");
    if (!cel) {
      q.put("transforms.dq.rules", "id_present,amount_range,id_shape,known_region");
      q.keySet().removeIf(k -> k.startsWith("transforms.dq.rule.cel_rule."));
    }
  }

  private static void gates(Map<String, String> q) {
    q.put("delta.gates", "volume,regions,drift");
    q.put("delta.gate.volume.metric", "row_count_delta");
    q.put("delta.gate.volume.threshold", "1000");
    q.put("delta.gate.volume.window", "5");
    q.put("delta.gate.volume.action", "alert");
    q.put("delta.gate.regions.metric", "null_rate_region");
    q.put("delta.gate.regions.threshold", "0.5");
    q.put("delta.gate.regions.action", "alert");
    q.put("delta.gate.drift.metric", "schema_hash");
    q.put("delta.gate.drift.action", "alert");
  }

  private static Map<String, String> deltaOverrides(String spec) {
    Map<String, String> out = new LinkedHashMap<>();
    if (spec != null) {
      for (String kv : spec.split(",")) {
        String[] p = kv.split("=", 2);
        out.put(p[0].trim(), p.length > 1 ? p[1].trim() : "");
      }
    }
    return out;
  }

  private static void avro(Broker broker, long records, int partitions, List<Integer> taskCounts,
      long intervalMs, Path work, StringBuilder report, boolean withPeers,
      Map<String, String> deltaOverrides, boolean full, String quality, int repeat)
      throws Exception {
    String topic = "bench-avro";
    try (io.github.deltaconnect.registry.testing.ApicurioRegistry registry =
        new io.github.deltaconnect.registry.testing.ApicurioRegistry()) {
      registry.start();
      int id = registry.register(topic + "-value", BenchEvents.AVRO_SCHEMA);
      org.apache.avro.Schema schema = new org.apache.avro.Schema.Parser().parse(BenchEvents.AVRO_SCHEMA);
      long loadStart = System.nanoTime();
      long bytes = broker.load(topic, partitions, records, seq -> BenchEvents.avroEvent(seq, id, schema));
      System.out.printf(Locale.ROOT, "Loaded %,d Avro records (%,d bytes, %.0f bytes each) in %.1f s%n",
          records, bytes, bytes / (double) records, (System.nanoTime() - loadStart) / 1e9);
      Map<String, String> converter = Map.of(
          "value.converter", CONTRACT_CONVERTER,
          "value.converter.schema.registry.url", registry.ccompatUrl());
      Map<String, String> ours = new java.util.HashMap<>(converter);
      ours.putAll(deltaOverrides);
      List<TopicPartition> tps = broker.partitions(topic, partitions);
      Map<TopicPartition, Long> ends = broker.endOffsets(tps);
      Limits.Rate consume = Limits.consume(broker.bootstrap(), topic, tps, ends);
      Limits.Rate decode;
      try (PluginConverter plugin = PluginConverter.load(CONTRACT_CONVERTER,
          Map.of("schema.registry.url", registry.ccompatUrl()))) {
        decode = Limits.consumeAndDecode(broker.bootstrap(), tps, ends, plugin.converter());
      }
      List<SinkRun.Result> runs = new ArrayList<>();
      Optional<Peers> built = withPeers ? Peers.built() : Optional.empty();
      // With --quality, plain and checked runs alternate --repeat times: this machine's plain
      // runs alone vary by some 20 %, so one pair says little; the pairs' median says more.
      List<double[]> costs = new ArrayList<>(); // per pair: records/s cost, worker CPU cost
      for (int tasks : oursAlone(full, built) ? taskCounts : List.<Integer>of()) {
        int rounds = "false".equals(quality) ? 1 : Math.max(1, repeat);
        for (int round = 1; round <= rounds; round++) {
          String suffix = rounds == 1 ? "" : "-r" + round;
          SinkRun.Result plain = SinkRun.run("delta-avro-" + tasks + "t" + suffix, broker, topic,
              partitions, records, bytes, tasks, "2g", work, intervalMs, ours);
          runs.add(plain);
          System.out.println("Finished " + plain.name());
          if (!"false".equals(quality)) {
            Map<String, String> checked = new java.util.HashMap<>(ours);
            checked.putAll(qualitySettings(quality));
            SinkRun.Result q = SinkRun.run("delta-avro-quality-" + quality + "-" + tasks + "t"
                + suffix, broker, topic, partitions, records, bytes, tasks, "2g", work, intervalMs,
                checked);
            runs.add(q);
            System.out.println("Finished " + q.name());
            costs.add(new double[] {1 - q.recordsPerSecond() / plain.recordsPerSecond(),
                q.cpuSeconds() / plain.cpuSeconds() - 1});
          }
        }
      }
      List<SinkRun.Result> peers = new ArrayList<>();
      if (built.isPresent()) {
        Path workerLib = built.get().workerLib();
        String iceberg = built.get().icebergPlugins().toString();
        Map<String, String> workerProps = Peers.WORKER_PROPS;
        String ourPlugin =
            Path.of(System.getProperty("connect.plugin.dir")).toAbsolutePath().toString();
        for (int tasks : taskCounts) {
          Map<String, String> side = new java.util.HashMap<>(ours);
          side.put("delta.partition.fields", "region");
          side.put("delta.partition.derived", "");
          peers.add(SinkRun.run("delta-avro-4.3-" + tasks + "t", broker, topic, partitions, records,
              bytes, tasks, "2g", work, intervalMs, side, workerLib, workerProps));
          System.out.println("Finished " + peers.get(peers.size() - 1).name());
          peers.add(IcebergRun.run("iceberg-avro-4.3-" + tasks + "t", broker, topic, records, bytes,
              tasks, "2g", work, workerLib, iceberg + "," + ourPlugin, intervalMs, workerProps,
              converter));
          System.out.println("Finished " + peers.get(peers.size() - 1).name());
        }
      }
      report.append(String.format(Locale.ROOT, "%n### 6. The contract converter (Avro wire format)"
              + " instead of JsonConverter%n%nThe same %,d events as Avro in the Schema Registry wire"
              + " format (%d bytes each on the wire), read by the contract converter against a real"
              + " registry (Apicurio 3.3.3); the limits measured with the same converter.%n%n",
              records, bytes / records))
          .append("| Path | records/s | MB/s |\n|---|---:|---:|\n")
          .append(rateRow("Plain KafkaConsumer (byte[] only)", consume))
          .append(rateRow("KafkaConsumer + contract converter decode (the decode bound)", decode))
          .append("\n");
      List<SinkRun.Result> all = new ArrayList<>(runs);
      all.addAll(peers);
      sinkTable(all, report);
      if (!costs.isEmpty()) {
        report.append("\n| Pair | throughput cost of --quality " + quality
            + " (1 - checked / plain) | added worker CPU (checked / plain - 1) |\n|---:|---:|---:|\n");
        for (int i = 0; i < costs.size(); i++) {
          report.append(String.format(Locale.ROOT, "| %d | %.1f %% | %.1f %% |%n", i + 1,
              100 * costs.get(i)[0], 100 * costs.get(i)[1]));
        }
        report.append(String.format(Locale.ROOT, "| median | %.1f %% | %.1f %% |%n",
            100 * median(costs, 0), 100 * median(costs, 1)));
      }
      report.append("\n| Run | end to end / decode bound | steady / decode bound |\n|---|---:|---:|\n");
      List<SinkRun.Result> ourRuns = new ArrayList<>(runs);
      for (int i = 0; i < peers.size(); i += 2) {
        ourRuns.add(peers.get(i));
      }
      for (SinkRun.Result r : ourRuns) {
        report.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f |%n", r.name(),
            r.recordsPerSecond() / decode.recordsPerSecond(),
            r.steadyRecordsPerSecond() / decode.recordsPerSecond()));
      }
      if (!peers.isEmpty()) {
        report.append("\n| tasks | ours / Iceberg, end to end (same converter) | ours / Iceberg, worker"
            + " CPU s | ours / Iceberg, heap peak | ours / Iceberg, heap after GC"
            + " | ours / Iceberg, RSS peak |\n|---:|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i + 1 < peers.size(); i += 2) {
          SinkRun.Result delta = peers.get(i);
          SinkRun.Result peer = peers.get(i + 1);
          report.append(String.format(Locale.ROOT, "| %d | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
              delta.tasks(), delta.recordsPerSecond() / peer.recordsPerSecond(),
              delta.cpuSeconds() / peer.cpuSeconds(),
              delta.peakHeapMb() / (double) peer.peakHeapMb(),
              delta.peakLiveHeapMb() / (double) peer.peakLiveHeapMb(),
              delta.peakRssMb() / (double) peer.peakRssMb()));
        }
      }
    }
  }

  private static double median(List<double[]> rows, int column) {
    double[] v = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static void sinkTable(List<SinkRun.Result> runs, StringBuilder report) {
    report.append("| Run | tasks | finished | records/s end to end | MB/s | steady records/s"
            + " (while backlogged) | commits | files | mean file | commit ms p50 / p99 / max"
            + " | worker CPU s | GC pauses s | worker heap peak | heap after GC, peak"
            + " | worker RSS peak | orphan files |\n")
        .append("|---|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|\n");
    for (SinkRun.Result r : runs) {
      report.append(String.format(Locale.ROOT,
          "| %s | %d | %s | %,.0f | %.1f | %,.0f | %d | %d | %.1f MB | %d / %d / %d | %.1f | %.1f"
              + " | %d MB | %d MB | %d MB | %d |%n",
          r.name(), r.tasks(), r.finished() ? "yes" : "**no**: " + shortFailure(r.failure()),
          r.recordsPerSecond(), r.megabytesPerSecond(), r.steadyRecordsPerSecond(), r.commits(),
          r.files(), r.files() == 0 ? 0 : r.fileBytes() / (double) r.files() / 1e6,
          r.commitPercentile(0.5), r.commitPercentile(0.99), r.commitPercentile(1.0),
          r.cpuSeconds(), r.gcPauseSeconds(), r.peakHeapMb(), r.peakLiveHeapMb(), r.peakRssMb(),
          r.orphanFiles()));
    }
  }

  private static void freshness(Broker broker, Path work, boolean full, StringBuilder report)
      throws Exception {
    int rate = 2000;
    int seconds = full ? 180 : 15;
    List<Long> intervals = full ? List.of(1_000L, 10_000L, 60_000L) : List.of(1_000L);
    report.append("\n### 4. Freshness: record sent → first committed table version holding it\n\n")
        .append(String.format(Locale.ROOT, "A producer at %,d records/s for %d s (first 5 s not"
            + " counted), 1 task, 4 topic-partitions; commit time from the Delta log's commitInfo.%n%n",
            rate, seconds))
        .append("| delta.flush.interval.ms | records | p50 ms | p95 ms | p99 ms | max ms | versions |\n")
        .append("|---:|---:|---:|---:|---:|---:|---:|\n");
    for (long interval : intervals) {
      Freshness.Result r = Freshness.run(broker, work, interval, rate, seconds);
      report.append(String.format(Locale.ROOT, "| %,d | %,d | %,d | %,d | %,d | %,d | %d |%n",
          r.intervalMs(), r.records(), r.p50(), r.p95(), r.p99(), r.max(), r.commits()));
      System.out.println("Freshness with interval " + interval + " ms done");
    }
  }

  private static void manyPartitions(Broker broker, Path work, boolean full, long intervalMs,
      StringBuilder report) throws Exception {
    int partitions = 1000;
    long records = partitions * (full ? 1000L : 50L);
    String topic = "bench-many";
    long bytes = broker.load(topic, partitions, records);
    Map<String, String> delta = Map.of("delta.partition.fields", "tenant",
        "delta.partition.derived", "", "delta.buffer.memory.bytes", "134217728",
        "delta.flush.bytes", "134217728");
    List<SinkRun.Result> runs = new ArrayList<>();
    Optional<Peers> peers = Peers.built();
    if (oursAlone(full, peers)) {
      runs.add(SinkRun.run("delta-1000p", broker, topic, partitions, records, bytes, 1, "512m",
          work, intervalMs, delta));
      System.out.println("Finished " + runs.get(runs.size() - 1).name());
    }
    if (peers.isPresent()) {
      // The same 512 MiB heap for both sinks on the same Kafka 4.3 worker build.
      Path workerLib = peers.get().workerLib();
      runs.add(SinkRun.run("delta-4.3-1000p", broker, topic, partitions, records, bytes, 1,
          "512m", work, intervalMs, delta, workerLib, Peers.WORKER_PROPS));
      System.out.println("Finished " + runs.get(runs.size() - 1).name());
      runs.add(IcebergRun.run("iceberg-4.3-1000p", broker, topic, records, bytes, 1, "512m", work,
          workerLib, peers.get().icebergPlugins().toString(), intervalMs, Peers.WORKER_PROPS,
          Map.of("iceberg.tables.default-partition-by", "tenant")));
      System.out.println("Finished " + runs.get(runs.size() - 1).name());
    }
    report.append(String.format(Locale.ROOT, "%n### 5. Many partitions, bounded memory%n%n"
        + "%,d records over %,d topic-partitions, table partitioned by `tenant` (100 values), worker"
        + " heap capped at 512 MiB (-Xmx512m), delta.buffer.memory.bytes=128 MiB; Iceberg with the"
        + " same heap, partitioned by `tenant`, on the Kafka 4.3 worker:%n%n",
        records, partitions));
    sinkTable(runs, report);
  }

  /**
   * Whether a scenario also runs our sink alone on the 4.4 worker: always in --full, and in
   * --quick only when the peers are not built (otherwise ours runs once, beside Iceberg on 4.3).
   */
  private static boolean oursAlone(boolean full, Optional<Peers> peers) {
    return full || peers.isEmpty();
  }

  /** The first line of a failed task's trace, not the whole status JSON. */
  static String shortFailure(String failure) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"trace\":\"([^\\\\\"]*)")
        .matcher(failure);
    return m.find() ? "task failed: " + m.group(1) : failure;
  }

  private static String rateRow(String name, Limits.Rate r) {
    return String.format(Locale.ROOT, "| %s | %,.0f | %.1f |%n", name, r.recordsPerSecond(),
        r.megabytesPerSecond());
  }

  private static String header(String[] args, long records, int partitions, long intervalMs)
      throws Exception {
    String mem = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
    return String.format(Locale.ROOT, "## Run of %s%n%n- Command: `./mvnw -B -q -Pbench -DskipTests"
            + " verify -Dbench.args=\"%s\"`%n- Machine: %d cores, %s, %s %s (%s)%n"
            + "- Workload: %,d JSON-with-schema events (%d bytes of payload, %d on the wire), %d"
            + " topic-partitions, 1 KRaft broker in the driver JVM, Connect worker in its own JVM"
            + " (2 GB heap), commit interval %d ms for both sinks%n",
        Instant.now(), String.join(" ", args), Runtime.getRuntime().availableProcessors(), mem,
        System.getProperty("java.vm.name"), System.getProperty("java.version"),
        System.getProperty("os.name"), records,
        BenchEvents.payloadBytes(BenchEvents.event(1)), BenchEvents.event(1).length, partitions,
        intervalMs);
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
