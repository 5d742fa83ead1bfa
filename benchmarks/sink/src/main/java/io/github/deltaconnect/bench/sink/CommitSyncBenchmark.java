package io.github.deltaconnect.bench.sink;

import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.github.deltaconnect.sink.buffer.RecordBuffer;
import io.github.deltaconnect.sink.commit.BatchCommitter;
import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.commit.FaultPoint;
import io.github.deltaconnect.sink.offsets.OffsetDomain;
import io.github.deltaconnect.sink.storage.Durability;
import io.github.deltaconnect.sink.storage.LocalFileSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.common.TopicPartition;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What {@code delta.storage.sync} costs: the latency of one commit of 10,000 rows spread over N
 * table partitions on the local disk (the benchmark's temp directory must be on a real disk, not
 * tmpfs), with the data files, their directories and the log directory synced or not.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
public class CommitSyncBenchmark {
  static final int ROWS = 10_000;
  static final StructType SCHEMA = new StructType()
      .add("id", StringType.STRING, true)
      .add("n", LongType.LONG, true)
      .add("region", StringType.STRING, true);

  @Param({"4", "100"})
  int partitions;

  @Param({"true", "false"})
  boolean sync;

  Path dir;
  DeltaTable table;
  BatchCommitter committer;
  RecordBuffer buffer;
  long batch;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("sync-bench");
    Configuration conf = new Configuration();
    LocalFileSystem.install(conf);
    conf.setBoolean(Durability.SYNC, sync);
    table = new DeltaTable(DeltaTable.qualify(dir.resolve("t").toString()), conf);
    committer = new BatchCommitter(table, new OffsetDomain("bench"), 0, 5, 100, false,
        FaultPoint.parse(""));
  }

  @Setup(Level.Invocation)
  public void fill() {
    buffer = new RecordBuffer();
    for (int i = 0; i < ROWS; i++) {
      long offset = batch * ROWS + i;
      String region = "r" + (i % partitions);
      buffer.add(new TopicPartition("events", 0), offset, List.of(region), SCHEMA,
          new Object[] {"k" + offset, offset, region}, 0);
    }
    batch++;
  }

  @Benchmark
  public Object commit() {
    return committer.commit(buffer, SCHEMA, List.of("region"));
  }

  @TearDown(Level.Trial)
  public void delete() throws IOException {
    table.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.delete(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
