package io.github.deltaconnect.e2e;

import io.github.deltaconnect.e2e.demo.DemoEvents;
import io.github.deltaconnect.e2e.demo.DemoReport;
import io.github.deltaconnect.e2e.demo.SinkBeans;
import io.github.deltaconnect.e2e.demo.DemoOrders;
import io.github.deltaconnect.pipeline.Pipeline;
import io.github.deltaconnect.sink.testing.TableReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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

  /** The events pipeline's report, and the orders pipeline's contract and replay. */
  public record Outcome(DemoReport events, OrdersRun orders) {
    public boolean ok() {
      return events.balanced() && orders.ok();
    }

    public String render() {
      return events.render() + orders.render();
    }
  }

  /** The orders pipeline: refusals by the contract, then a replace-mode replay of the last day. */
  public record OrdersRun(long produced, Map<String, Long> producedByKind,
      Map<String, Long> dlqByReason, Map<String, Long> rowsPerDayBefore,
      Map<String, Long> rowsPerDayAfter, Map<String, Long> largeByDay, String lastDay,
      String patch, int versionsChecked) {
    /** The replay added exactly the last day's large orders; other days are untouched. */
    public boolean ok() {
      Map<String, Long> expected = new java.util.TreeMap<>(rowsPerDayBefore);
      expected.merge(lastDay, largeByDay.getOrDefault(lastDay, 0L), Long::sum);
      return expected.equals(rowsPerDayAfter);
    }

    public String render() {
      StringBuilder sb = new StringBuilder("\n=== Orders: a data contract, and a replay ===\n");
      sb.append(String.format("Produced          %,d orders (Avro, wire format)%n", produced));
      producedByKind.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
          sb.append(String.format("  %-44s %,7d%n", e.getKey(), e.getValue())));
      sb.append("Refused by contract v1 (DLQ orders.dlq, reason from the converter):\n");
      dlqByReason.forEach((k, v) -> sb.append(String.format("  %-44s %,7d%n", k, v)));
      sb.append("Contract v2 allows amounts up to 5,000; the last day was replayed in replace"
          + " mode:\n  " + patch + "\n");
      sb.append(String.format("  %-10s %8s %8s%n", "", "before", "after"));
      rowsPerDayAfter.forEach((day, after) -> sb.append(String.format("  %-10s %,8d %,8d%n",
          day, rowsPerDayBefore.getOrDefault(day, 0L), after)));
      sb.append(String.format("Each order once in each of the %d table versions since the PATCH;"
          + " %s gained its %,d large orders, the other days are untouched: %s%n",
          versionsChecked, lastDay, largeByDay.getOrDefault(lastDay, 0L), ok()));
      return sb.toString();
    }
  }

  public static void main(String[] args) throws Exception {
    List<String> flags = Arrays.asList(args);
    boolean keep = flags.contains("--keep-running");
    Options options = new Options(ConnectHarness.projectRoot().resolve("demo-data"), 3,
        flags.contains("--short") ? 400 : 2500, keep, Duration.ofMinutes(3));
    Outcome outcome = run(options, System.out);
    if (!keep) {
      System.exit(outcome.ok() ? 0 : 1);
    }
  }

  public static Outcome run(Options o, PrintStream out) throws Exception {
    Path table = o.dataDir().resolve("events").toAbsolutePath();
    deleteRecursively(table);
    deleteRecursively(table.resolveSibling("events_quarantine"));
    deleteRecursively(table.resolveSibling("orders"));
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
      out.println(report.render());
      OrdersRun orders = orders(connect, url, o, table.resolveSibling("orders"), out);
      out.println(orders.render());
      Outcome outcome = new Outcome(report, orders);
      if (o.keepRunning()) {
        out.println("Still running (Ctrl-C to stop):");
        out.println("  Connect REST API   " + url + "  (e.g. " + url + "/connectors/" + CONNECTOR
            + "/status)");
        out.println("  Kafka bootstrap    " + connect.kafka().bootstrapServers());
        out.println("  Delta table        " + report.table());
        out.println("  Quarantine table   " + report.quarantine());
        out.println("  Orders table       " + table.resolveSibling("orders").toUri());
        Thread.currentThread().join(); // until the JVM is stopped
      }
      return outcome;
    } finally {
      if (stopAtEnd) {
        connect.stop();
      }
    }
  }

  static final String ORDERS = "orders-contracted";
  static final String ORDERS_TOPIC = "orders.raw";

  /**
   * The orders pipeline: applied, fed orders under contract v1 (amounts up to 1,000), then the
   * contract is fixed (v2: up to 5,000) and the last day replayed in replace mode through
   * Connect's offsets API: stop, apply, PATCH, resume.
   */
  static OrdersRun orders(EmbeddedConnectCluster connect, String url, Options o, Path table,
      PrintStream out) throws Exception {
    connect.kafka().createTopic(ORDERS_TOPIC, 2);
    connect.kafka().createTopic("orders.dlq", 1);
    Path root = ConnectHarness.projectRoot();
    Path pipeline = o.dataDir().resolve("pipeline-orders.yaml");
    String yaml = Files.readString(root.resolve("config-examples/pipeline-orders.yaml"))
        .replace("path: \"demo-data/orders\"", "path: \"" + table + "\"")
        .replace("\"config-examples/", "\"" + root.resolve("config-examples") + "/");
    Files.writeString(pipeline, yaml);
    out.println("\nApplying " + pipeline.getFileName() + " (Avro orders under a data contract):");
    if (new Pipeline(out, out).run("apply", pipeline.toString(), "--connect-url", url) != 0) {
      throw new IllegalStateException("pipeline apply of the orders failed");
    }
    DemoOrders orders = new DemoOrders();
    orders.produce(connect.kafka().bootstrapServers(), ORDERS_TOPIC, o.days(), o.perDay() / 4);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        connect.kafka().bootstrapServers()))) {
      Waits.until(o.timeout(), () -> SinkBeans.sum(ORDERS, "RecordsWritten")
          + endOffset(admin, "orders.dlq") == orders.total() ? Boolean.TRUE : null,
          "the orders were never all accounted for");
      Map<String, Long> before = DemoOrders.rowsPerDay(table);
      Map<String, Long> refused = DemoOrders.dlqByReason(connect.kafka().consumeAll(30_000,
          "orders.dlq"));
      out.printf("Orders: %,d in the table, %,d refused by the contract.%n",
          before.values().stream().mapToLong(Long::longValue).sum(),
          refused.values().stream().mapToLong(Long::longValue).sum());

      out.println("Contract v2 allows amounts up to 5,000: stop, apply, PATCH the offsets to the"
          + " start of the last day, resume.");
      connect.stopConnector(ORDERS);
      connect.assertions().assertConnectorIsStopped(ORDERS, "the orders connector did not stop");
      Files.writeString(pipeline, yaml.replace("orders-contract-v1.json", "orders-contract-v2.json"));
      if (new Pipeline(out, out).run("apply", pipeline.toString(), "--connect-url", url) != 0) {
        throw new IllegalStateException("pipeline apply of contract v2 failed");
      }
      long lastDayStart = DemoEvents.T0 + (o.days() - 1) * DemoEvents.DAY;
      Map<TopicPartition, OffsetSpec> at = new java.util.HashMap<>();
      for (int p = 0; p < 2; p++) {
        at.put(new TopicPartition(ORDERS_TOPIC, p), OffsetSpec.forTimestamp(lastDayStart));
      }
      StringBuilder body = new StringBuilder("{\"offsets\":[");
      StringBuilder shown = new StringBuilder();
      var found = admin.listOffsets(at).all().get();
      for (int p = 0; p < 2; p++) {
        long offset = found.get(new TopicPartition(ORDERS_TOPIC, p)).offset();
        body.append(p == 0 ? "" : ",").append("{\"partition\":{\"kafka_topic\":\"")
            .append(ORDERS_TOPIC).append("\",\"kafka_partition\":").append(p)
            .append("},\"offset\":{\"kafka_offset\":").append(offset).append("}}");
        shown.append(p == 0 ? "" : ", ").append(ORDERS_TOPIC).append('-').append(p).append('=')
            .append(offset);
      }
      body.append("]}");
      var response = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/connectors/" + ORDERS
              + "/offsets")).header("Content-Type", "application/json")
              .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(body.toString()))
              .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("PATCH offsets: HTTP " + response.statusCode() + " "
            + response.body());
      }
      long patched = DemoOrders.version(table);
      String patch = "PATCH /connectors/" + ORDERS + "/offsets to " + shown
          + " (ReplayOffsets --from " + java.time.Instant.ofEpochMilli(lastDayStart) + ")";
      out.println("  " + patch);
      connect.resumeConnector(ORDERS);
      Waits.until(o.timeout(), () -> {
        TableReader reader = new TableReader(table.toUri().toString());
        for (int p = 0; p < 2; p++) {
          String domain = reader.domain("kafka.offsets." + ORDERS + "." + ORDERS_TOPIC + "." + p)
              .orElse("");
          if (domain.contains("replaceUntil")) {
            return null;
          }
        }
        return Boolean.TRUE;
      }, "the replay never passed the old end");
      Map<String, Long> after = DemoOrders.rowsPerDay(table);
      int versions = DemoOrders.oncePerVersion(table, patched);
      return new OrdersRun(orders.total(), orders.produced(), refused, before, after,
          orders.largeByDay(), "day " + o.days(), patch, versions);
    }
  }

  static long endOffset(Admin admin, String topic) throws Exception {
    return admin.listOffsets(Map.of(new TopicPartition(topic, 0), OffsetSpec.latest())).all()
        .get().values().iterator().next().offset();
  }

  /** rows written, quarantined, DLQ topic size, counted drops, table version (from the beans). */
  static long[] progress(Admin admin) throws Exception {
    long[] drops = DemoReport.drops(CONNECTOR);
    return new long[] {SinkBeans.sum(CONNECTOR, "RecordsWritten"),
        SinkBeans.sum(CONNECTOR, "RecordsQuarantined"), endOffset(admin, DLQ),
        drops[0] + drops[1], SinkBeans.max(CONNECTOR, "TableVersion")};
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
