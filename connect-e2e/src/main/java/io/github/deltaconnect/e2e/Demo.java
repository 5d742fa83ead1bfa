package io.github.deltaconnect.e2e;

import io.github.deltaconnect.e2e.demo.DemoEvents;
import io.github.deltaconnect.e2e.demo.DemoReport;
import io.github.deltaconnect.pipeline.Pipeline;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * The README's run command: an in-process KRaft broker and Connect worker with the packaged plugin
 * on its plugin.path; config-examples/pipeline-demo.yaml applied with {@code pipeline apply}; a
 * few simulated days of events with duplicates, a compatible and an incompatible schema change,
 * garbage, rule violations and a burst of events without user_id; progress while the sink works;
 * then a summary read from the table, the quarantine table, the DLQ and the history, and the
 * check that every record is accounted for. {@code --keep-running} leaves it all up to explore;
 * {@code --short} runs a smaller day (the test does).
 */
public final class Demo {
  static final String CONNECTOR = "events-curated";
  static final String TOPIC = "events.raw";
  static final String DLQ = "events.dlq";
  static final int PARTITIONS = 4;

  /** Where the demo writes, how much it produces, and whether it stays up at the end. */
  public record Options(Path dataDir, int days, int perDay, boolean keepRunning,
      Duration timeout) {}

  public static void main(String[] args) throws Exception {
    List<String> flags = Arrays.asList(args);
    boolean keep = flags.contains("--keep-running");
    Options options = new Options(ConnectHarness.projectRoot().resolve("demo-data"), 3,
        flags.contains("--short") ? 400 : 2500, keep, Duration.ofMinutes(3));
    DemoReport report = run(options, System.out);
    System.out.println(report.render());
    if (!keep) {
      System.exit(report.balanced() ? 0 : 1);
    }
  }

  public static DemoReport run(Options o, PrintStream out) throws Exception {
    Path table = o.dataDir().resolve("events").toAbsolutePath();
    deleteRecursively(table);
    deleteRecursively(table.resolveSibling("events_quarantine"));
    Files.createDirectories(o.dataDir());
    EmbeddedConnectCluster connect = ConnectHarness.start("delta-demo", 1);
    boolean stopAtEnd = !o.keepRunning();
    try {
      connect.kafka().createTopic(TOPIC, PARTITIONS);
      connect.kafka().createTopic(DLQ, 1);
      String url = connect.endpointForResource("").replaceAll("/$", "");
      Path pipeline = o.dataDir().resolve("pipeline.yaml");
      Files.writeString(pipeline, Files.readString(ConnectHarness.projectRoot()
          .resolve("config-examples/pipeline-demo.yaml"))
          .replace("path: \"demo-data/events\"", "path: \"" + table + "\""));
      out.println("Applying " + pipeline + " with: pipeline apply " + pipeline.getFileName()
          + " --connect-url " + url);
      int status = new Pipeline(out, out).run("apply", pipeline.toString(), "--connect-url",
          url);
      if (status != 0) {
        throw new IllegalStateException("pipeline apply failed with status " + status);
      }
      connect.assertions().assertConnectorAndAtLeastNumTasksAreRunning(CONNECTOR, 1,
          "the connector did not start");

      DemoEvents events = new DemoEvents(PARTITIONS);
      CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> {
        try (Producer producer = new Producer(connect)) {
          events.produce(producer, TOPIC, o.days(), o.perDay());
        } catch (Exception e) {
          throw new IllegalStateException("producing failed", e);
        }
      });
      out.printf("Producing %d simulated days of events over %d regions to '%s' (%d"
          + " partitions)...%n", o.days(), DemoEvents.REGIONS.length, TOPIC, PARTITIONS);
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
          connect.kafka().bootstrapServers()))) {
        long deadline = System.nanoTime() + o.timeout().toNanos();
        String last = "";
        while (true) {
          long[] counts = progress(admin);
          long accounted = counts[0] + counts[1] + counts[2] + counts[3];
          String line = String.format("  produced %,6d | in table %,6d | quarantined %,5d |"
              + " DLQ %,4d | dropped %,4d | table version %d", events.total(), counts[0],
              counts[1], counts[2], counts[3], counts[4]);
          if (!line.equals(last)) {
            out.println(line);
            last = line;
          }
          if (producing.isDone() && accounted == events.total()) {
            break;
          }
          if (System.nanoTime() > deadline) {
            out.println("Timed out waiting for every record to be accounted for");
            break;
          }
          Thread.sleep(2000);
        }
        producing.join();
      }
      var dlq = connect.kafka().consumeAll(30_000, DLQ);
      DemoReport report = DemoReport.read(events, table, CONNECTOR, dlq);
      if (o.keepRunning()) {
        out.println(report.render());
        out.println("Still running (Ctrl-C to stop):");
        out.println("  Connect REST API   " + url + "  (e.g. " + url + "/connectors/" + CONNECTOR
            + "/status)");
        out.println("  Kafka bootstrap    " + connect.kafka().bootstrapServers());
        out.println("  Delta table        " + report.table());
        out.println("  Quarantine table   " + report.quarantine());
        Thread.currentThread().join(); // until the JVM is stopped
      }
      return report;
    } finally {
      if (stopAtEnd) {
        connect.stop();
      }
    }
  }

  /** rows written, quarantined, DLQ topic size, counted drops, table version (from the beans). */
  static long[] progress(Admin admin) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    long written = 0;
    long quarantined = 0;
    long version = -1;
    for (ObjectName n : server.queryNames(new ObjectName(
        "io.github.deltaconnect:type=delta-sink-task-metrics,connector=\"" + CONNECTOR + "\",*"),
        null)) {
      written += ((Number) server.getAttribute(n, "RecordsWritten")).longValue();
      quarantined += ((Number) server.getAttribute(n, "RecordsQuarantined")).longValue();
      version = Math.max(version, ((Number) server.getAttribute(n, "TableVersion")).longValue());
    }
    long dlq = admin.listOffsets(Map.of(new TopicPartition(DLQ, 0), OffsetSpec.latest())).all()
        .get().values().iterator().next().offset();
    long[] drops = DemoReport.drops(CONNECTOR);
    return new long[] {written, quarantined, dlq, drops[0] + drops[1], version};
  }

  static void deleteRecursively(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
