package io.github.deltaconnect.bench.sink;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.github.deltaconnect.sink.buffer.RecordBuffer;
import io.github.deltaconnect.sink.commit.BatchCommitter;
import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.commit.FaultPoint;
import io.github.deltaconnect.sink.maintenance.Compactor;
import io.github.deltaconnect.sink.offsets.OffsetDomain;
import io.github.deltaconnect.sink.storage.LocalFileSystem;
import io.github.deltaconnect.sink.write.Iterators;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.common.TopicPartition;

/**
 * What compaction buys readers: a table written by {@code --commits} small commits (a commit a
 * second of {@code --rows} rows over 8 partitions, as a busy low-latency connector leaves it) is
 * read in full by Kernel's own reader (a fresh DefaultEngine, not the sink's storage code) before
 * and after compacting it with {@link Compactor}; prints files, bytes, read time and the
 * compaction's own time.
 *
 * <p>{@code ./mvnw -B -q -Pbench-compaction -DskipTests verify -Dbench.args="--commits 1000"}
 */
public final class CompactionCost {
  private CompactionCost() {}

  record Read(long rows, double seconds, int files, long bytes) {}

  /** Reads every row of the latest version with a fresh Kernel engine; sums a column. */
  static Read read(String location) throws Exception {
    Engine engine = DefaultEngine.create(new Configuration());
    long start = System.nanoTime();
    Snapshot snapshot = TableManager.loadSnapshot(location).build(engine);
    Scan scan = snapshot.getScanBuilder().build();
    Row state = scan.getScanState(engine);
    StructType physical = ScanStateRow.getPhysicalDataReadSchema(state);
    long rows = 0;
    int files = 0;
    long bytes = 0;
    double sum = 0;
    try (CloseableIterator<FilteredColumnarBatch> scanFiles = scan.getScanFiles(engine)) {
      while (scanFiles.hasNext()) {
        try (CloseableIterator<Row> fileRows = scanFiles.next().getRows()) {
          while (fileRows.hasNext()) {
            Row file = fileRows.next();
            files++;
            bytes += InternalScanFileUtils.getAddFileStatus(file).getSize();
            CloseableIterator<ColumnarBatch> data = engine.getParquetHandler().readParquetFiles(
                Iterators.closeable(List.of(InternalScanFileUtils.getAddFileStatus(file))
                    .iterator()), physical, Optional.empty()).map(FileReadResult::getData);
            try (CloseableIterator<FilteredColumnarBatch> batches =
                Scan.transformPhysicalData(engine, state, file, data)) {
              while (batches.hasNext()) {
                ColumnarBatch b = batches.next().getData();
                rows += b.getSize();
                int amount = b.getSchema().indexOf("amount");
                for (int r = 0; r < b.getSize(); r++) {
                  sum += b.getColumnVector(amount).getDouble(r);
                }
              }
            }
          }
        }
      }
    }
    if (sum < 0) {
      throw new IllegalStateException("negative sum");
    }
    return new Read(rows, (System.nanoTime() - start) / 1e9, files, bytes);
  }

  public static void main(String[] args) throws Exception {
    int commits = 1000;
    int rowsPerCommit = 1000;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--commits" -> commits = Integer.parseInt(args[i + 1]);
        case "--rows" -> rowsPerCommit = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + " (--commits N, --rows N)");
      }
    }
    Path dir = Files.createTempDirectory("compaction-bench").resolve("t");
    Configuration conf = new Configuration();
    LocalFileSystem.install(conf);
    DeltaTable table = new DeltaTable(DeltaTable.qualify(dir.toString()), conf);
    BatchCommitter committer = new BatchCommitter(table, new OffsetDomain("bench"), 0, 5, 100,
        false, FaultPoint.parse(""));
    UpsertCost rows = new UpsertCost(rowsPerCommit);
    long start = System.nanoTime();
    for (int c = 0; c < commits; c++) {
      RecordBuffer buffer = rows.inserts(false);
      committer.commit(buffer, UpsertCost.SCHEMA, UpsertCost.PARTITIONS);
      if ((c + 1) % 100 == 0) {
        System.out.printf(Locale.ROOT, "  %d of %d commits (%.0f s)%n", c + 1, commits,
            (System.nanoTime() - start) / 1e9);
      }
    }
    System.out.printf(Locale.ROOT, "Table of %,d rows in %,d commits at %s%n",
        (long) commits * rowsPerCommit, commits, dir);
    read(table.location()); // warm the JIT and the page cache alike for both reads
    Read before = read(table.location());
    Compactor compactor = new Compactor(table, 32L << 20, 10, "bench");
    long t0 = System.nanoTime();
    int compactions = 0;
    while (true) {
      Snapshot snapshot = table.latest().orElseThrow();
      List<Compactor.Candidate> plan = compactor.plan(snapshot);
      if (plan.isEmpty()) {
        break;
      }
      compactor.compact(snapshot, plan.get(0));
      compactions++;
    }
    double compactSeconds = (System.nanoTime() - t0) / 1e9;
    read(table.location());
    Read after = read(table.location());
    table.close();
    System.out.println();
    System.out.println("| Table | files | bytes | full read s | rows/s read |");
    System.out.println("|---|---:|---:|---:|---:|");
    for (Object[] r : new Object[][] {{"before compaction", before}, {"after compaction", after}}) {
      Read x = (Read) r[1];
      System.out.printf(Locale.ROOT, "| %s | %,d | %,d | %.2f | %,.0f |%n", r[0], x.files(),
          x.bytes(), x.seconds(), x.rows() / x.seconds());
    }
    System.out.printf(Locale.ROOT, "%nCompaction: %d partitions in %.1f s (%,.0f rows/s)%n",
        compactions, compactSeconds, before.rows() / compactSeconds);
    if (before.rows() != after.rows()) {
      throw new IllegalStateException("rows differ: " + before.rows() + " vs " + after.rows());
    }
  }
}
