package io.github.deltaconnect.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * The README's run command: an in-process KRaft broker and Connect worker with the packaged plugin
 * on its plugin.path, a few thousand sample events plus some bad records, the sink deployed over the
 * Connect REST API from config-examples/local-fs.json, and a summary once everything is committed.
 */
public final class Demo {

  /** What one run produced and where it ended up. */
  public record Result(TableSummary table, long produced, long dlq) {
    public boolean balanced() {
      return table.rows() + dlq == produced;
    }
  }

  public static void main(String[] args) throws Exception {
    int perPartition = args.length > 0 ? Integer.parseInt(args[0]) : 1250;
    Path table = ConnectHarness.projectRoot().resolve("demo-data/events");
    Result r = run(table, perPartition, Duration.ofMinutes(3));
    System.out.println();
    System.out.println(r.table().render());
    System.out.println("Records produced " + r.produced());
    System.out.println("Dead-letter queue " + r.dlq() + " records (topic events-dlq)");
    System.out.println("Table rows + DLQ == produced: " + r.balanced());
    System.exit(r.balanced() ? 0 : 1);
  }

  public static Result run(Path table, int perPartition, Duration timeout) throws Exception {
    deleteRecursively(table);
    Files.createDirectories(table.getParent());
    int partitions = 4;
    EmbeddedConnectCluster connect = ConnectHarness.start("delta-demo", 1);
    try {
      connect.kafka().createTopic("events", partitions);
      connect.kafka().createTopic("events-dlq", 1);
      long produced = 0;
      long bad = 0;
      try (Producer producer = new Producer(connect)) {
        for (int p = 0; p < partitions; p++) {
          for (long seq = 0; seq < perPartition; seq++) {
            String value;
            if (seq % 500 == 250) {
              value = Events.garbage(seq);
              bad++;
            } else if (seq % 500 == 400) {
              value = Events.unknownField(p, seq);
              bad++;
            } else {
              value = Events.good(p, seq);
            }
            producer.send("events", p, Events.id(p, seq), value);
            produced++;
          }
        }
      }
      System.out.printf("Produced %d events (%d bad) to topic 'events' (%d partitions)%n", produced,
          bad, partitions);

      Map<String, String> config = ConfigExamples.load("local-fs.json");
      config.put("delta.table.location", table.toString());
      connect.configureConnector("delta-events", config);
      connect.assertions().assertConnectorAndAtLeastNumTasksAreRunning("delta-events", 1,
          "connector did not start");
      System.out.println("Deployed connector 'delta-events' from config-examples/local-fs.json");

      long lastOffset = perPartition - 1;
      TableSummary summary = Waits.until(timeout, () -> {
        TableSummary s = TableSummary.read(table.toUri().toString(), "delta-events", "events",
            partitions);
        boolean done = s.storedOffsets().size() == partitions
            && s.storedOffsets().values().stream().allMatch(o -> o == lastOffset);
        return done ? s : null;
      }, "the table never covered every produced offset");
      long dlq = connect.kafka().consume((int) bad, timeout.toMillis(), "events-dlq").count();
      return new Result(summary, produced, dlq);
    } finally {
      connect.stop();
    }
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
