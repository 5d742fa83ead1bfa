package io.github.deltaconnect.e2e.monitoring;

import io.github.deltaconnect.e2e.ConfigExamples;
import io.github.deltaconnect.e2e.ConnectHarness;
import io.github.deltaconnect.e2e.Events;
import io.github.deltaconnect.e2e.Producer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * The dashboard picture in the README, from a real run: an in-process broker and Connect worker,
 * the packaged sink with a quality transform, a producer whose rate changes in phases (steady,
 * faster with bad records, a burst that builds lag, slow, idle), and the bundle's MBeans sampled
 * every second. The panels show what the Grafana dashboard's queries compute from the same
 * attributes (rates over 5 s here instead of 5 m, the run being short).
 *
 * <p>Run: {@code ./mvnw -B -q -Pdashboard -DskipTests verify -pl connect-e2e -am}; writes
 * docs/monitoring/dashboard.png.
 */
public final class DashboardSnapshot {
  private static final int PARTITIONS = 4;
  private static final String CONNECTOR = "delta-events";
  private static final int WINDOW = 5;

  /** One producer phase: how long and how fast, and how many records in 1000 are bad. */
  record Phase(String name, int seconds, int perSecond, int badPerMille) {}

  static final List<Phase> PHASES = List.of(
      new Phase("steady", 20, 1_500, 0),
      new Phase("faster, 4% bad", 20, 4_000, 40),
      new Phase("burst", 10, 12_000, 5),
      new Phase("slow", 15, 800, 0),
      new Phase("idle", 20, 0, 0));

  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
  private final List<Long> times = new ArrayList<>();
  private final Map<String, List<Double>> samples = new LinkedHashMap<>();

  public static void main(String[] args) throws Exception {
    Path out = args.length > 0 ? Path.of(args[0])
        : ConnectHarness.projectRoot().resolve("docs/monitoring/dashboard.png");
    new DashboardSnapshot().run(out);
    System.exit(0); // the embedded cluster leaves non-daemon threads behind
  }

  void run(Path out) throws Exception {
    Path table = Files.createTempDirectory("dashboard-").resolve("events");
    EmbeddedConnectCluster connect = ConnectHarness.start("dashboard", 1);
    AtomicLong produced = new AtomicLong();
    AtomicBoolean done = new AtomicBoolean();
    try {
      connect.kafka().createTopic("events", PARTITIONS);
      connect.kafka().createTopic("events-dlq", 1);
      Map<String, String> config = ConfigExamples.load("local-fs.json");
      config.put("delta.table.location", table.toString());
      config.put("delta.flush.size", "20000");
      config.put("delta.flush.interval.ms", "2000");
      config.put("delta.sla.freshness", "30s");
      config.put("transforms", "dq");
      config.put("transforms.dq.type", "io.github.deltaconnect.quality.QualityRules$Value");
      config.put("transforms.dq.rules", "known_region");
      config.put("transforms.dq.rule.known_region.type", "not_null");
      config.put("transforms.dq.rule.known_region.field", "region");
      config.put("transforms.dq.rule.known_region.action", "drop");
      connect.configureConnector(CONNECTOR, config);
      connect.assertions().assertConnectorAndAtLeastNumTasksAreRunning(CONNECTOR, 1,
          "connector did not start");

      Thread producer = new Thread(() -> produce(connect, produced, done), "dashboard-producer");
      producer.start();
      int seconds = PHASES.stream().mapToInt(Phase::seconds).sum() + 3;
      for (int s = 0; s < seconds; s++) {
        sample();
        System.out.printf("t=%3ds produced %,d written %,.0f lag %,.0f%n", s, produced.get(),
            last("written"), last("lag"));
        Thread.sleep(1000);
      }
      done.set(true);
      producer.join();
      render(out, produced.get());
      System.out.println("Wrote " + out);
    } finally {
      connect.stop();
    }
  }

  private void produce(EmbeddedConnectCluster connect, AtomicLong produced, AtomicBoolean done) {
    long[] seq = new long[PARTITIONS];
    try (Producer producer = new Producer(connect)) {
      for (Phase phase : PHASES) {
        for (int s = 0; s < phase.seconds() && !done.get(); s++) {
          long start = System.nanoTime();
          for (int i = 0; i < phase.perSecond(); i++) {
            int p = i % PARTITIONS;
            long n = seq[p]++;
            boolean bad = phase.badPerMille() > 0 && Math.floorMod(n * 7919, 1000)
                < phase.badPerMille();
            String value = !bad ? Events.good(p, n)
                : n % 4 == 0 ? Events.garbage(n) : withUnknownField(Events.good(p, n));
            producer.send("events", p, Events.id(p, n), value);
            produced.incrementAndGet();
            if (i % 500 == 499) { // spread each second's records over the second
              long due = start + (long) ((i + 1) * 1e9 / phase.perSecond());
              long wait = due - System.nanoTime();
              if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
              }
            }
          }
          producer.flush();
          long rest = 1_000_000_000L - (System.nanoTime() - start);
          if (rest > 0) {
            Thread.sleep(rest / 1_000_000);
          }
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("producer failed", e);
    }
  }

  /** A good event with a field the table lacks: the quality rule passes it, the sink refuses it. */
  static String withUnknownField(String event) {
    String out = event.replace("\"fields\":[",
        "\"fields\":[{\"field\":\"surprise\",\"type\":\"string\",\"optional\":true},")
        .replace("\"payload\":{", "\"payload\":{\"surprise\":\"!\",");
    if (out.equals(event)) {
      throw new IllegalStateException("unexpected event shape: " + event);
    }
    return out;
  }

  /** Reads the attributes the dashboard's panels query, summed or maxed over the tasks. */
  private void sample() throws Exception {
    times.add(System.currentTimeMillis());
    String sink = "io.github.deltaconnect:type=delta-sink-task-metrics,connector=\"" + CONNECTOR
        + "\",*";
    put("received", sum(sink, "RecordsReceived"));
    put("written", sum(sink, "RecordsWritten"));
    put("dlq", sum(sink, "RecordsToDlq"));
    put("dlqUnknown", sum(sink, "RecordsToDlqByUnknownField"));
    put("quarantined", sum(sink, "RecordsQuarantined"));
    put("bytesIn", sum(sink, "BytesIn"));
    put("bytesWritten", sum(sink, "BytesWritten"));
    put("files", sum(sink, "FilesWritten"));
    put("commits", sum(sink, "Commits"));
    put("p50", max(sink, "CommitLatencyP50Ms"));
    put("p99", max(sink, "CommitLatencyP99Ms"));
    put("maxCommit", max(sink, "MaxCommitMs"));
    put("buffered", sum(sink, "BufferedBytes"));
    put("freshness", max(sink, "FreshnessMs"));
    put("cpu", sum(sink, "TaskCpuMs"));
    put("byRecords", sum(sink, "FlushesByRecords"));
    put("byInterval", sum(sink, "FlushesByInterval"));
    put("byMemory", sum(sink, "FlushesByMemory"));
    put("version", max(sink, "TableVersion"));
    put("lag", sum("io.github.deltaconnect:type=delta-sink-partition-metrics,connector=\""
        + CONNECTOR + "\",*", "Lag"));
    String quality = "io.github.deltaconnect:type=quality-rules,connector=\"" + CONNECTOR
        + "\",*";
    put("qualityDropped", sumTotals(quality, "Dropped"));
  }

  private void put(String key, double value) {
    samples.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
  }

  private double last(String key) {
    List<Double> v = samples.get(key);
    return v == null || v.isEmpty() ? Double.NaN : v.get(v.size() - 1);
  }

  private double sum(String pattern, String attribute) throws Exception {
    double total = 0;
    boolean any = false;
    for (ObjectName n : server.queryNames(new ObjectName(pattern), null)) {
      double v = ((Number) server.getAttribute(n, attribute)).doubleValue();
      if (v >= 0) {
        total += v;
        any = true;
      }
    }
    return any ? total : Double.NaN;
  }

  private double sumTotals(String pattern, String attribute) throws Exception {
    double total = 0;
    for (ObjectName n : server.queryNames(new ObjectName(pattern), null)) {
      if (n.getKeyProperty("rule") == null) {
        total += ((Number) server.getAttribute(n, attribute)).doubleValue();
      }
    }
    return total;
  }

  private double max(String pattern, String attribute) throws Exception {
    double m = Double.NaN;
    for (ObjectName n : server.queryNames(new ObjectName(pattern), null)) {
      double v = ((Number) server.getAttribute(n, attribute)).doubleValue();
      m = Double.isNaN(m) ? v : Math.max(m, v);
    }
    return m;
  }

  private double[] values(String key) {
    return samples.get(key).stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Per-second rate over the last WINDOW samples, as rate() over a counter. */
  private double[] rate(String key) {
    double[] v = values(key);
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      int from = Math.max(0, i - WINDOW);
      double seconds = (times.get(i) - times.get(from)) / 1000.0;
      out[i] = i == from || seconds <= 0 ? Double.NaN : Math.max(0, v[i] - v[from]) / seconds;
    }
    return out;
  }

  /** -1 means "not known yet" in the beans: a gap, not a value. */
  private static double[] known(double[] v) {
    double[] out = v.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] < 0) {
        out[i] = Double.NaN;
      }
    }
    return out;
  }

  private double[] scale(double[] v, double factor) {
    double[] out = v.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] *= factor;
    }
    return out;
  }

  /** 1 - (DLQ + quarantined) / received over the window, in percent. */
  private double[] qualityScore() {
    double[] received = rate("received");
    double[] dlq = rate("dlq");
    double[] quarantined = rate("quarantined");
    double[] out = new double[received.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = received[i] > 0 ? 100 * (1 - (dlq[i] + quarantined[i]) / received[i]) : Double.NaN;
    }
    return out;
  }

  private void render(Path out, long produced) throws Exception {
    long[] t = times.stream().mapToLong(Long::longValue).toArray();
    double[] score = qualityScore();
    List<DashboardPicture.Panel> panels = List.of(
        stat("Rows in the table", "count", values("written")),
        stat("Lag to the log end (records)", "count", values("lag")),
        stat("Table version", "count", values("version")),
        panel("Records per second: received, written, DLQ", "ops/s",
            series("received", rate("received")), series("written", rate("written")),
            series("DLQ", rate("dlq")), series("dropped by a rule", rate("qualityDropped"))),
        panel("Lag to the log end (records the table does not hold yet)", "count",
            series("events", values("lag"))),
        panel("Freshness (now - newest committed record time)", "ms",
            series("events", known(values("freshness")))),
        panel("Commit latency (last 256 commits)", "ms", series("p50", values("p50")),
            series("p99", values("p99")), series("max", values("maxCommit"))),
        panel("Bytes in (from Kafka) and written (Parquet) per second", "bytes",
            series("in", rate("bytesIn")), series("written", rate("bytesWritten"))),
        panel("Data quality score (share that reached the table, 5 s)", "percent",
            series("score", score)),
        panel("Buffered bytes (task budget 128 MiB each)", "bytes",
            series("buffered", values("buffered"))),
        panel("Why batches were committed (cumulative)", "count",
            series("size", values("byRecords")), series("interval", values("byInterval")),
            series("memory", values("byMemory"))),
        panel("Task CPU (% of one core)", "percent", series("tasks",
            scale(rate("cpu"), 0.1))));
    new DashboardPicture("Kafka Connect → Delta Lake: connector '" + CONNECTOR + "'",
        String.format("a real run: %,d records produced to 4 partitions in phases %s; 2 tasks",
            produced, PHASES.stream().map(Phase::name).toList()),
        t, panels, 3).write(out);
  }

  private static DashboardPicture.Series series(String name, double[] values) {
    return new DashboardPicture.Series(name, values);
  }

  private static DashboardPicture.Panel panel(String title, String unit,
      DashboardPicture.Series... series) {
    return new DashboardPicture.Panel(title, unit, List.of(series), false);
  }

  private static DashboardPicture.Panel stat(String title, String unit, double[] values) {
    return new DashboardPicture.Panel(title, unit, List.of(series(title, values)), true);
  }
}
