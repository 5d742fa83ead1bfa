package io.github.deltaconnect.sink.commit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.kernel.TableManager;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.transaction.DataLayoutSpec;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.github.deltaconnect.sink.buffer.RecordBuffer;
import io.github.deltaconnect.sink.offsets.OffsetDomain;
import io.github.deltaconnect.sink.testing.LostResponses;
import io.github.deltaconnect.sink.testing.RacingTable;
import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

public class BatchCommitterTest {
  public static final StructType SCHEMA = new StructType()
      .add("id", StringType.STRING, true)
      .add("n", LongType.LONG, true)
      .add("region", StringType.STRING, true);

  @TempDir
  Path dir;

  DeltaTable table() {
    Configuration conf = new Configuration();
    io.github.deltaconnect.sink.storage.LocalFileSystem.install(conf);
    return new DeltaTable(DeltaTable.qualify(dir.resolve("t").toString()), conf);
  }

  public static RecordBuffer rows(int partition, String prefix, int count) {
    RecordBuffer buffer = new RecordBuffer();
    for (int i = 0; i < count; i++) {
      Object[] row = {prefix + i, (long) i, i % 2 == 0 ? "eu" : "us"};
      buffer.add(new TopicPartition("t", partition), i, java.util.Arrays.asList(row[2]), SCHEMA, row,
          0);
    }
    return buffer;
  }

  @Test
  void aTaskThatLosesTheRaceToCreateAColumnMappingTableRewritesItsFilesForTheWinnersMapping() {
    DeltaTable real = table();
    BatchCommitter winner = new BatchCommitter(real, new OffsetDomain("c"), 0, 5, 10, true,
        FaultPoint.parse(""));
    // The loser builds its create transaction (its own column-mapping physical names); the winner
    // creates the table before the loser writes its files and commits.
    DeltaTable racing = new RacingTable(table(),
        () -> assertInstanceOf(BatchCommitter.Committed.class,
            winner.commit(rows(0, "a", 10), SCHEMA, List.of("region"))));
    BatchCommitter loser = new BatchCommitter(racing, new OffsetDomain("c"), 1, 5, 10, true,
        FaultPoint.parse(""));
    assertInstanceOf(BatchCommitter.Committed.class,
        loser.commit(rows(1, "b", 10), SCHEMA, List.of("region")));

    TableReader reader = new TableReader(real.location());
    List<Map<String, Object>> all = reader.rows();
    Set<Object> ids = all.stream().map(r -> r.get("id")).collect(Collectors.toSet());
    assertEquals(20, ids.size(), "every row readable under the winner's mapping: " + all);
    assertEquals(new HashSet<>(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L)),
        all.stream().map(r -> r.get("n")).collect(Collectors.toSet()));
  }

  @Test
  void anExistingTableThatNeedsPartitionValuesInItsFilesIsRefusedBeforeAnyFileIsWritten()
      throws Exception {
    DeltaTable table = table();
    // UniForm: Iceberg readers need the partition columns inside the data files, which this sink
    // does not write yet. Created by Kernel, as another writer would have.
    TableManager.buildCreateTableTransaction(table.location(), SCHEMA, "another writer")
        .withDataLayoutSpec(DataLayoutSpec.partitioned(List.of(new Column("region"))))
        .withTableProperties(Map.of("delta.enableIcebergCompatV2", "true",
            "delta.columnMapping.mode", "name", "delta.feature.domainMetadata", "supported"))
        .build(table.engine())
        .commit(table.engine(), CloseableIterable.emptyIterable());
    BatchCommitter committer = new BatchCommitter(table, new OffsetDomain("c"), 0, 5, 10, true,
        FaultPoint.parse(""));
    ConnectException e = assertThrows(ConnectException.class,
        () -> committer.commit(rows(0, "a", 10), SCHEMA, List.of("region")));
    assertTrue(e.getMessage().contains("delta.enableIcebergCompatV2"), e.getMessage());
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir.resolve("t"))) {
      assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".parquet")).toList());
    }
  }

  @Test
  void anExistingTableWithoutDomainMetadataIsRefusedWithWhatToEnable() throws Exception {
    DeltaTable table = table();
    TableManager.buildCreateTableTransaction(table.location(), SCHEMA, "another writer")
        .build(table.engine())
        .commit(table.engine(), CloseableIterable.emptyIterable());
    BatchCommitter committer = new BatchCommitter(table, new OffsetDomain("c"), 0, 5, 10, false,
        FaultPoint.parse(""));
    ConnectException e = assertThrows(ConnectException.class,
        () -> committer.commit(rows(0, "a", 10), SCHEMA, List.of()));
    assertTrue(e.getMessage().contains("delta.feature.domainMetadata"), e.getMessage());
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir.resolve("t"))) {
      assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".parquet")).toList());
    }
  }

  @Test
  void aZombieWhoseCommitRacesTheNewOwnerIsRejectedByKernelAndThenFenced() {
    DeltaTable real = table();
    BatchCommitter first = new BatchCommitter(real, new OffsetDomain("c"), 0, 5, 10, false,
        FaultPoint.parse(""));
    first.commit(rows(0, "seed", 2), SCHEMA, List.of("region")); // the table exists, offset 1 stored
    // The zombie reads the table (offset 1: no overlap with its batch 2..9), then the partition's
    // new owner commits 2..11 while the zombie writes its files: the zombie's commit names the same
    // offset domain, so Kernel's conflict check rejects it, and the re-check fences it.
    BatchCommitter owner = new BatchCommitter(real, new OffsetDomain("c"), 1, 5, 10, false,
        FaultPoint.parse(""));
    RecordBuffer ownerRows = new RecordBuffer();
    RecordBuffer zombieRows = new RecordBuffer();
    for (int i = 2; i < 12; i++) {
      Object[] row = {"k" + i, (long) i, "eu"};
      ownerRows.add(new TopicPartition("t", 0), i, List.of("eu"), SCHEMA, row, 0);
      if (i < 10) {
        zombieRows.add(new TopicPartition("t", 0), i, List.of("eu"), SCHEMA, row.clone(), 0);
      }
    }
    DeltaTable racing = new RacingTable(table(),
        () -> owner.commit(ownerRows, SCHEMA, List.of("region")));
    BatchCommitter zombie = new BatchCommitter(racing, new OffsetDomain("c"), 0, 5, 10, false,
        FaultPoint.parse(""));
    BatchCommitter.Outcome outcome = zombie.commit(zombieRows, SCHEMA, List.of("region"));

    BatchCommitter.Fenced fenced = assertInstanceOf(BatchCommitter.Fenced.class, outcome);
    assertEquals(Map.of(new TopicPartition("t", 0), 11L), fenced.storedOffsets());
    TableReader reader = new TableReader(real.location());
    List<Object> keys = reader.rows().stream().map(r -> r.get("id")).sorted().toList();
    assertEquals(12, keys.size(), "seed 2 + owner 10, nothing from the zombie: " + keys);
    assertEquals(12, new HashSet<>(keys).size());
    assertEquals(reader.dataFiles().size(), countParquet(), "the zombie's files were deleted");
  }

  @Test
  void tasksCommittingToOneLocalTableAtTheSameTimeLoseNoBatch() throws Exception {
    int tasks = 4;
    int batches = 12;
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(tasks);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(tasks);
    try {
      List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < tasks; t++) {
        int task = t;
        // Each task its own engine, as in a worker: they share nothing but the table directory.
        BatchCommitter committer = new BatchCommitter(table(), new OffsetDomain("c"), task, 50, 10,
            false, FaultPoint.parse(""));
        done.add(pool.submit(() -> {
          for (int b = 0; b < batches; b++) {
            RecordBuffer buffer = new RecordBuffer();
            for (int i = 0; i < 5; i++) {
              long offset = b * 5L + i;
              buffer.add(new TopicPartition("t", task), offset, List.of("eu"),
                  SCHEMA, new Object[] {task + "-" + offset, offset, "eu"}, 0);
            }
            together.await(); // all tasks race for the same table version
            assertInstanceOf(BatchCommitter.Committed.class,
                committer.commit(buffer, SCHEMA, List.of("region")));
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    TableReader reader = new TableReader(table().location());
    List<Object> ids = reader.rows().stream().map(r -> r.get("id")).toList();
    assertEquals(tasks * batches * 5, new HashSet<>(ids).size(), "every committed row: " + ids);
    assertEquals(ids.size(), new HashSet<>(ids).size(), "no row twice");
    for (int t = 0; t < tasks; t++) {
      io.github.deltaconnect.sink.offsets.StoredOffset stored = OffsetDomain.decode(
          reader.domain(new OffsetDomain("c").name(new TopicPartition("t", t))).orElseThrow());
      assertEquals(batches * 5L - 1, stored.offset());
      assertEquals(t, stored.task());
    }
  }

  /** A table whose log store loses the answer to the commits of {@code versions}. */
  DeltaTable lossyTable(LostResponses.Mode mode, long... versions) {
    Configuration conf = new Configuration();
    io.github.deltaconnect.sink.storage.LocalFileSystem.install(conf);
    return new DeltaTable(DeltaTable.qualify(dir.resolve("t").toString()), conf,
        new LostResponses(mode, versions));
  }

  @ParameterizedTest(name = "{0} at version {1}")
  @CsvSource({"LOST, 0", "LOST, 1", "EXISTS, 0", "EXISTS, 1"})
  void aCommitWhoseAnswerWasLostIsFoundInTheLogAndCountsAsCommitted(LostResponses.Mode mode,
      long version) {
    // EXISTS: the retried PUT of a commit that had landed gets 412, Kernel rebases onto the
    // version holding this very batch and sees its own offset domains as a conflict. Taken for
    // another writer, the batch used to be dropped and its files deleted under a committed version.
    BatchCommitter committer = new BatchCommitter(lossyTable(mode, version), new OffsetDomain("c"),
        0, 5, 10, false, FaultPoint.parse(""));
    for (int b = 0; b < 3; b++) {
      RecordBuffer buffer = new RecordBuffer();
      for (int i = 0; i < 10; i++) {
        long offset = b * 10L + i;
        buffer.add(new TopicPartition("t", 0), offset, List.of("eu"), SCHEMA,
            new Object[] {"k" + offset, offset, "eu"}, 0);
      }
      BatchCommitter.Committed c = assertInstanceOf(BatchCommitter.Committed.class,
          committer.commit(buffer, SCHEMA, List.of("region")), "batch " + b);
      assertEquals(b, c.version());
      assertEquals(b == version, c.recovered(), "batch " + b);
      assertEquals(Map.of(new TopicPartition("t", 0), b * 10L + 9), c.offsets());
    }
    TableReader reader = new TableReader(table().location());
    assertEquals(List.of(), reader.missingFiles(), "every referenced file is there");
    assertEquals(List.of(), reader.orphanFiles());
    List<Object> ids = reader.rows().stream().map(r -> r.get("n")).sorted().toList();
    assertEquals(java.util.stream.LongStream.range(0, 30).boxed().toList(), ids, "each row once");
  }

  @Test
  void aCommitThatFailsWithoutAnAnswerKeepsItsFilesAndTheNextTaskResumesAfterTheTable() {
    BatchCommitter first = new BatchCommitter(table(), new OffsetDomain("c"), 0, 5, 10, false,
        FaultPoint.parse(""));
    first.commit(rows(0, "a", 10), SCHEMA, List.of("region"));
    BatchCommitter failing = new BatchCommitter(lossyTable(LostResponses.Mode.UNWRITTEN, 1), new OffsetDomain("c"),
        0, 5, 10, false, FaultPoint.parse(""));
    RecordBuffer second = new RecordBuffer();
    for (int i = 10; i < 20; i++) {
      second.add(new TopicPartition("t", 0), i, List.of("eu"), SCHEMA,
          new Object[] {"a" + i, (long) i, "eu"}, 0);
    }
    UnknownOutcomeException e = assertThrows(UnknownOutcomeException.class,
        () -> failing.commit(second, SCHEMA, List.of("region")));
    assertTrue(e.getMessage().contains("unknown"), e.getMessage());
    assertTrue(!e.keptFiles().isEmpty());
    for (String kept : e.keptFiles()) {
      assertTrue(java.nio.file.Files.exists(Path.of(java.net.URI.create(kept))), kept + " kept");
    }
    TableReader reader = new TableReader(table().location());
    assertEquals(0, reader.snapshot().getVersion());
    assertEquals(e.keptFiles().size(), reader.orphanFiles().size(), "the kept files are orphans");

    // The next task reads the stored offsets (9) and commits the same records again, once.
    BatchCommitter next = new BatchCommitter(table(), new OffsetDomain("c"), 0, 5, 10, false,
        FaultPoint.parse(""));
    RecordBuffer again = new RecordBuffer();
    for (int i = 10; i < 20; i++) {
      again.add(new TopicPartition("t", 0), i, List.of("eu"), SCHEMA,
          new Object[] {"a" + i, (long) i, "eu"}, 0);
    }
    assertInstanceOf(BatchCommitter.Committed.class, next.commit(again, SCHEMA, List.of("region")));
    List<Object> ids = reader.rows().stream().map(r -> r.get("n")).sorted().toList();
    assertEquals(java.util.stream.LongStream.range(0, 20).boxed().toList(), ids);
    assertEquals(List.of(), reader.missingFiles());
  }

  /** A committer deduplicating by the id column, with a fresh index (as a new task has). */
  BatchCommitter keyed(DeltaTable table) {
    io.github.deltaconnect.sink.dedup.KeyIndex index = new io.github.deltaconnect.sink.dedup.KeyIndex(
        table.location(), table.fileSystems(), List.of("id"), 0, 1_000_000);
    return new BatchCommitter(table, new OffsetDomain("c"), 0, 5, 10, false, FaultPoint.parse(""),
        new io.github.deltaconnect.sink.gate.Gates(List.of()), null, null,
        System::currentTimeMillis, index);
  }

  /** Offsets [from, to) of partition 0, with ids k(offset / 2): each id twice, in two batches. */
  static RecordBuffer keyedRows(long from, long to) {
    RecordBuffer buffer = new RecordBuffer();
    io.github.deltaconnect.sink.dedup.KeyHasher hasher = new io.github.deltaconnect.sink.dedup.KeyHasher();
    for (long offset = from; offset < to; offset++) {
      String id = "k" + ((offset + 1) / 2);
      hasher.hash(new Object[] {id});
      buffer.addKeyed(new TopicPartition("t", 0), offset, List.of("eu"), SCHEMA,
          new Object[] {id, offset, "eu"}, 0, hasher.hi(), hasher.lo(), 0, false);
    }
    return buffer;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"LOST", "EXISTS"})
  void aKeyedCommitWhoseAnswerWasLostStillHoldsItsKeysForTheNextBatch(LostResponses.Mode mode) {
    BatchCommitter committer = keyed(lossyTable(mode, 1));
    for (int b = 0; b < 3; b++) {
      BatchCommitter.Committed c = assertInstanceOf(BatchCommitter.Committed.class,
          committer.commit(keyedRows(b * 10L, b * 10L + 10), SCHEMA, List.of("region")));
      assertEquals(b == 1, c.recovered(), "batch " + b);
      assertEquals(b == 0 ? 0 : 1, c.duplicates(), "the id split across batches " + b);
    }
    TableReader reader = new TableReader(table().location());
    List<Object> ids = reader.rows().stream().map(r -> r.get("id")).sorted().toList();
    assertEquals(16, ids.size(), "k0..k15, each once: " + ids);
    assertEquals(16, new HashSet<>(ids).size());
    assertEquals(List.of(), reader.missingFiles());
  }

  @Test
  void aKeyedCommitWithAnUnknownOutcomeKeepsItsKeyFileAndTheNextTaskWritesTheBatchOnce() {
    keyed(table()).commit(keyedRows(0, 10), SCHEMA, List.of("region"));
    UnknownOutcomeException e = assertThrows(UnknownOutcomeException.class,
        () -> keyed(lossyTable(LostResponses.Mode.UNWRITTEN, 1))
            .commit(keyedRows(10, 20), SCHEMA, List.of("region")));
    assertTrue(e.keptFiles().stream().anyMatch(f -> f.endsWith(".keys")),
        "a key file a version may list is kept: " + e.keptFiles());
    for (String kept : e.keptFiles()) {
      assertTrue(java.nio.file.Files.exists(Path.of(java.net.URI.create(kept))), kept + " kept");
    }

    BatchCommitter.Committed again = assertInstanceOf(BatchCommitter.Committed.class,
        keyed(table()).commit(keyedRows(10, 20), SCHEMA, List.of("region")));
    assertEquals(1, again.duplicates(), "k5 of the first batch");
    TableReader reader = new TableReader(table().location());
    List<Object> ids = reader.rows().stream().map(r -> r.get("id")).sorted().toList();
    assertEquals(11, ids.size(), "k0..k10, each once: " + ids);
    assertEquals(11, new HashSet<>(ids).size());
  }

  BatchCommitter upserting(DeltaTable table) {
    return new BatchCommitter(table, new OffsetDomain("c"), 0, 5, 10, false, FaultPoint.parse(""),
        new io.github.deltaconnect.sink.gate.Gates(List.of()), null, null,
        System::currentTimeMillis, null,
        new io.github.deltaconnect.sink.cdc.Upserts(List.of("id"), null));
  }

  /** Upserts of ids k{first}..k{last} with n = {@code version}, at offsets from {@code offset}. */
  static RecordBuffer changes(int first, int last, long version, long offset) {
    RecordBuffer buffer = new RecordBuffer();
    io.github.deltaconnect.sink.dedup.KeyHasher hasher = new io.github.deltaconnect.sink.dedup.KeyHasher();
    for (int i = first; i <= last; i++) {
      String id = "k" + i;
      hasher.hash(new Object[] {id});
      buffer.addChange(new TopicPartition("t", 0), offset++, List.of("eu"), SCHEMA,
          new Object[] {id, version, "eu"}, 0, hasher.hi(), hasher.lo(), RecordBuffer.UNORDERED,
          false);
    }
    return buffer;
  }

  /** id → n of the table, failing on a second row of any id. */
  Map<Object, Object> upserted() {
    Map<Object, Object> out = new java.util.TreeMap<>();
    for (Map<String, Object> row : new TableReader(table().location()).rows()) {
      assertEquals(null, out.put(row.get("id"), row.get("n")), "two rows of " + row.get("id"));
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"LOST", "EXISTS"})
  void anUpsertCommitWhoseAnswerWasLostIsFoundInTheLogAndNotRedone(LostResponses.Mode mode) {
    BatchCommitter committer = upserting(lossyTable(mode, 1));
    committer.commit(changes(0, 9, 0, 0), SCHEMA, List.of("region"));
    BatchCommitter.Committed lost = assertInstanceOf(BatchCommitter.Committed.class,
        committer.commit(changes(0, 4, 1, 10), SCHEMA, List.of("region")));
    assertTrue(lost.recovered());
    committer.commit(changes(3, 7, 2, 15), SCHEMA, List.of("region"));

    Map<Object, Object> expected = new java.util.TreeMap<>();
    for (int i = 0; i <= 9; i++) {
      expected.put("k" + i, i < 3 ? 1L : i <= 7 ? 2L : 0L);
    }
    assertEquals(expected, upserted());
    assertEquals(List.of(), new TableReader(table().location()).missingFiles());
  }

  @Test
  void anUpsertCommitWithAnUnknownOutcomeKeepsItsRewrittenFilesAndTheNextTaskAppliesItOnce() {
    upserting(table()).commit(changes(0, 9, 0, 0), SCHEMA, List.of("region"));
    UnknownOutcomeException e = assertThrows(UnknownOutcomeException.class,
        () -> upserting(lossyTable(LostResponses.Mode.UNWRITTEN, 1))
            .commit(changes(0, 4, 1, 10), SCHEMA, List.of("region")));
    assertEquals(2, e.keptFiles().size(), "the rewrite of k5..k9 and the batch's k0..k4: "
        + e.keptFiles());
    for (String kept : e.keptFiles()) {
      assertTrue(java.nio.file.Files.exists(Path.of(java.net.URI.create(kept))), kept + " kept");
    }
    // The next task finds the table at version 0 and applies the same batch once.
    BatchCommitter.Committed again = assertInstanceOf(BatchCommitter.Committed.class,
        upserting(table()).commit(changes(0, 4, 1, 10), SCHEMA, List.of("region")));
    assertEquals(1, again.version());
    Map<Object, Object> expected = new java.util.TreeMap<>();
    for (int i = 0; i <= 9; i++) {
      expected.put("k" + i, i <= 4 ? 1L : 0L);
    }
    assertEquals(expected, upserted());
  }

  @Test
  void aTaskThatDiesWhileWritingACheckpointLeavesATableThatReadsAndResumes() throws Exception {
    // Dies after the checkpoint file is in place but before _last_checkpoint points at it (the
    // pointer write fails), with a half-written temporary checkpoint beside it, as a kill during
    // the atomic write would leave.
    Configuration conf = new Configuration();
    io.github.deltaconnect.sink.storage.LocalFileSystem.install(conf);
    io.github.deltaconnect.sink.storage.LogWriter standard =
        io.github.deltaconnect.sink.storage.LogWriter.standard();
    DeltaTable dying = new DeltaTable(DeltaTable.qualify(dir.resolve("t").toString()), conf,
        (fs, path, lines, overwrite) -> {
          if (path.getName().equals("_last_checkpoint")) {
            throw new java.io.IOException("injected: the worker died here");
          }
          standard.write(fs, path, lines, overwrite);
        });
    BatchCommitter first = new BatchCommitter(dying, new OffsetDomain("c"), 0, 5, 2, false,
        FaultPoint.parse(""));
    for (int b = 0; b < 3; b++) { // version 2 is due a checkpoint (every 2 versions)
      assertInstanceOf(BatchCommitter.Committed.class,
          first.commit(batch(b), SCHEMA, List.of("region")));
    }
    Path log = dir.resolve("t/_delta_log");
    assertTrue(java.nio.file.Files.exists(log.resolve("00000000000000000002.checkpoint.parquet")),
        "the checkpoint file was written");
    assertTrue(!java.nio.file.Files.exists(log.resolve("_last_checkpoint")));
    java.nio.file.Files.write(log.resolve(".00000000000000000003.checkpoint.parquet.1234.tmp"),
        new byte[] {'P', 'A', 'R'});

    BatchCommitter next = new BatchCommitter(table(), new OffsetDomain("c"), 0, 5, 2, false,
        FaultPoint.parse(""));
    for (int b = 3; b < 5; b++) {
      assertInstanceOf(BatchCommitter.Committed.class,
          next.commit(batch(b), SCHEMA, List.of("region")));
    }
    TableReader reader = new TableReader(table().location());
    assertEquals(4, reader.snapshot().getVersion());
    assertEquals(java.util.stream.LongStream.range(0, 50).boxed().toList(),
        reader.rows().stream().map(r -> r.get("n")).sorted().toList());
    assertEquals(49, OffsetDomain.decode(reader.domain(new OffsetDomain("c")
        .name(new TopicPartition("t", 0))).orElseThrow()).offset());
    assertTrue(java.nio.file.Files.exists(log.resolve("_last_checkpoint")),
        "a later checkpoint is pointed at again");
  }

  /** Batch {@code b}: offsets and values 10b .. 10b+9 of partition 0. */
  static RecordBuffer batch(int b) {
    RecordBuffer buffer = new RecordBuffer();
    for (int i = 0; i < 10; i++) {
      long offset = b * 10L + i;
      buffer.add(new TopicPartition("t", 0), offset, List.of("eu"), SCHEMA,
          new Object[] {"k" + offset, offset, "eu"}, 0);
    }
    return buffer;
  }

  long countParquet() {
    try (var files = java.nio.file.Files.walk(dir.resolve("t"))) {
      return files.filter(f -> f.toString().endsWith(".parquet") && !f.toString().contains("_delta_log"))
          .count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
