package io.github.deltaconnect.sink.maintenance;

import io.delta.kernel.Snapshot;
import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.storage.LocalFileSystem;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * Command line for one table's upkeep, run beside the connector (or with it stopped):
 *
 * <pre>
 * java -cp 'lib/*:/opt/kafka/libs/*' io.github.deltaconnect.sink.maintenance.TableMaintenance compact TABLE
 *     [--min-files 10] [--small-file-bytes 33554432] [--target-file-bytes 134217728]
 *     [--dry-run] [--conf fs.s3a.endpoint=...]...
 * java -cp 'lib/*:/opt/kafka/libs/*' io.github.deltaconnect.sink.maintenance.TableMaintenance clean TABLE
 *     [--retention-hours 168] [--dry-run] [--conf key=value]...
 * </pre>
 *
 * {@code lib/} is the plugin's; Kafka's {@code libs/} adds what a Connect worker provides (Kafka's
 * clients, SLF4J).
 *
 * Exit status 0 on success, 2 on bad arguments, 1 on failure.
 */
public final class TableMaintenance {
  private TableMaintenance() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs one command; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length < 2 || !(args[0].equals("compact") || args[0].equals("clean"))) {
      err.println("usage: TableMaintenance compact|clean TABLE [options] (see the sink README)");
      return 2;
    }
    String command = args[0];
    String location = args[1];
    int minFiles = 10;
    long small = 32L << 20;
    long target = -1;
    long retentionHours = 168;
    boolean dryRun = false;
    List<String> conf = new ArrayList<>();
    try {
      for (int i = 2; i < args.length; i++) {
        switch (args[i]) {
          case "--min-files" -> minFiles = Integer.parseInt(args[++i]);
          case "--small-file-bytes" -> small = Long.parseLong(args[++i]);
          case "--target-file-bytes" -> target = Long.parseLong(args[++i]);
          case "--retention-hours" -> retentionHours = Long.parseLong(args[++i]);
          case "--dry-run" -> dryRun = true;
          case "--conf" -> conf.add(args[++i]);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (minFiles < 2) {
        throw new IllegalArgumentException("--min-files must be at least 2");
      }
    } catch (RuntimeException e) {
      err.println(command + ": " + e.getMessage());
      return 2;
    }
    Configuration hadoop = new Configuration();
    LocalFileSystem.install(hadoop);
    hadoop.set("fs.s3.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem");
    for (String kv : conf) {
      int eq = kv.indexOf('=');
      if (eq < 1) {
        err.println(command + ": --conf takes key=value, got " + kv);
        return 2;
      }
      hadoop.set(kv.substring(0, eq), kv.substring(eq + 1));
    }
    if (target > 0) {
      hadoop.setLong(io.github.deltaconnect.sink.write.ParquetFiles.TARGET_FILE_SIZE, target);
    }
    try (DeltaTable table = new DeltaTable(DeltaTable.qualify(location), hadoop)) {
      if (command.equals("compact")) {
        return compact(table, new Compactor(table, small, minFiles, "table-maintenance"), dryRun,
            out);
      }
      Cleaner cleaner = new Cleaner(table);
      List<Cleaner.Found> found = cleaner.find(retentionHours * 3_600_000L,
          System.currentTimeMillis());
      long bytes = 0;
      for (Cleaner.Found f : found) {
        out.println((dryRun ? "would delete " : "delete ") + f.path() + " (" + f.bytes()
            + " bytes, " + f.reason() + ")");
        bytes += f.bytes();
      }
      int deleted = dryRun ? 0 : cleaner.delete(found);
      out.printf(Locale.ROOT, "%s: %d unreferenced data files (%d bytes) older than %d h%s%n",
          table.location(), found.size(), bytes, retentionHours,
          dryRun ? ", dry run: nothing deleted" : ", " + deleted + " deleted");
      return 0;
    } catch (RuntimeException e) {
      err.println(command + " " + location + " failed: " + e);
      return 1;
    }
  }

  private static int compact(DeltaTable table, Compactor compactor, boolean dryRun,
      PrintStream out) {
    int rounds = 0;
    while (true) {
      Snapshot snapshot = table.latest().orElseThrow(
          () -> new IllegalStateException("no Delta table at " + table.location()));
      List<Compactor.Candidate> plan = compactor.plan(snapshot);
      if (plan.isEmpty() || dryRun) {
        for (Compactor.Candidate c : plan) {
          out.println("would compact " + c.files().size() + " files (" + c.bytes()
              + " bytes) of partition " + c.partition());
        }
        out.println(table.location() + ": " + (dryRun ? plan.size() + " partitions to compact"
            + " (dry run)" : rounds + " partitions compacted"));
        return 0;
      }
      Compactor.Candidate c = plan.get(0);
      Optional<Compactor.Result> r = compactor.compact(snapshot, c);
      r.ifPresent(result -> out.println("compacted " + result.removed() + " files ("
          + result.bytesBefore() + " bytes) of partition " + c.partition() + " into "
          + result.added() + " (" + result.bytesAfter() + " bytes), version "
          + result.version()));
      rounds++;
      if (rounds > 10_000) {
        throw new IllegalStateException("compaction does not converge");
      }
    }
  }
}
