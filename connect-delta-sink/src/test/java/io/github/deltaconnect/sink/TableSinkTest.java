package io.github.deltaconnect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.kernel.TableManager;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.convert.DataException;
import io.github.deltaconnect.sink.metrics.SinkMetrics;
import io.github.deltaconnect.sink.offsets.OffsetDomain;
import io.github.deltaconnect.sink.testing.FakeContext;
import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableSinkTest {
  static final String TOPIC = "events";
  static final Schema EVENT = SchemaBuilder.struct().name("Event")
      .field("event_id", Schema.STRING_SCHEMA)
      .field("user_id", Schema.INT64_SCHEMA)
      .field("region", Schema.OPTIONAL_STRING_SCHEMA)
      .field("amount", Schema.OPTIONAL_FLOAT64_SCHEMA)
      .field("event_ts", Timestamp.SCHEMA)
      .build();
  static final long DAY0 = LocalDate.of(2026, 11, 27).atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1000;

  @TempDir
  Path dir;
  final AtomicLong clock = new AtomicLong(1_000_000);

  Map<String, String> props(String... extra) {
    Map<String, String> p = new HashMap<>();
    p.put(DeltaSinkConfig.TABLE_LOCATION, dir.resolve("table").toString());
    p.put(DeltaSinkConfig.PARTITION_FIELDS, "partition_date,region");
    p.put(DeltaSinkConfig.PARTITION_DERIVED, "partition_date=date(event_ts)");
    p.put(DeltaSinkConfig.FLUSH_SIZE, "1000000");
    for (int i = 0; i < extra.length; i += 2) {
      p.put(extra[i], extra[i + 1]);
    }
    return p;
  }

  final SinkMetrics metrics = new SinkMetrics();

  TableSink sink(FakeContext ctx, Map<String, String> props, int taskId) {
    DeltaSinkConfig config = new DeltaSinkConfig(props);
    return new TableSink(config, ctx, DeltaTable.open(config), "conn", taskId, metrics, clock::get);
  }

  static SinkRecord event(int partition, long offset, String region, long tsMillis) {
    Struct v = new Struct(EVENT)
        .put("event_id", "e-" + partition + "-" + offset)
        .put("user_id", offset)
        .put("region", region)
        .put("amount", offset * 1.5)
        .put("event_ts", new java.util.Date(tsMillis));
    return new SinkRecord(TOPIC, partition, null, null, EVENT, v, offset);
  }

  public static List<SinkRecord> events(int partition, long from, long to) {
    List<SinkRecord> out = new ArrayList<>();
    String[] regions = {"eu", "us", null};
    for (long o = from; o < to; o++) {
      out.add(event(partition, o, regions[(int) (o % 3)], DAY0 + (o % 2) * 86_400_000L + o));
    }
    return out;
  }

  TableReader reader() {
    return new TableReader(DeltaTable.qualify(dir.resolve("table").toString()));
  }

  static List<String> ids(List<Map<String, Object>> rows) {
    return rows.stream().map(r -> (String) r.get("event_id")).sorted().toList();
  }

  static List<String> expectedIds(List<SinkRecord> records) {
    return records.stream().map(r -> ((Struct) r.value()).getString("event_id")).sorted().toList();
  }

  @Test
  void commitsEveryRecordOnceWithPartitionValuesAndStoredOffsets() {
    FakeContext ctx = new FakeContext(false);
    TableSink sink = sink(ctx, props(), 0);
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    TopicPartition p1 = new TopicPartition(TOPIC, 1);
    sink.open(List.of(p0, p1));
    List<SinkRecord> all = new ArrayList<>(events(0, 0, 50));
    all.addAll(events(1, 0, 30));
    sink.put(all);
    sink.close(List.of(p0, p1));

    List<Map<String, Object>> rows = reader().rows();
    assertEquals(expectedIds(all), ids(rows));
    for (Map<String, Object> row : rows) {
      long ts = (Long) row.get("event_ts");
      int expectedDay = (int) Math.floorDiv(ts / 1000, 86_400_000L);
      assertEquals(expectedDay, row.get("partition_date"), "derived date of " + row);
      long offset = (Long) row.get("user_id");
      String[] regions = {"eu", "us", null};
      assertEquals(regions[(int) (offset % 3)], row.get("region"));
      assertEquals(offset * 1.5, row.get("amount"));
    }
    OffsetDomain domain = new OffsetDomain("conn");
    assertEquals(49, OffsetDomain.decode(reader().domain(domain.name(p0)).orElseThrow()).offset());
    assertEquals(29, OffsetDomain.decode(reader().domain(domain.name(p1)).orElseThrow()).offset());
    assertEquals(List.of("partition_date", "region"), reader().snapshot().getPartitionColumnNames());
  }

  @Test
  void openingPartitionsOnAnExistingTableWithoutDomainMetadataFailsWithWhatToEnable() {
    DeltaTable table = DeltaTable.open(new DeltaSinkConfig(props()));
    TableManager.buildCreateTableTransaction(table.location(),
            new StructType().add("event_id", StringType.STRING), "another writer")
        .build(table.engine())
        .commit(table.engine(), CloseableIterable.emptyIterable());
    TableSink sink = sink(new FakeContext(false), props(), 0);
    ConnectException e = assertThrows(ConnectException.class,
        () -> sink.open(List.of(new TopicPartition(TOPIC, 0))));
    assertTrue(e.getMessage().contains("delta.feature.domainMetadata"), e.getMessage());
  }

  @Test
  void whenAllowedTheSinkAddsDomainMetadataToAnExistingTableAndWritesExactlyOnce() {
    DeltaTable table = DeltaTable.open(new DeltaSinkConfig(props()));
    TableManager.buildCreateTableTransaction(table.location(),
            io.github.deltaconnect.sink.convert.SchemaMapping.tableSchema(EVENT,
                io.github.deltaconnect.sink.config.PartitionSpec.parse(
                    List.of("partition_date", "region"), List.of("partition_date=date(event_ts)"),
                    ZoneOffset.UTC), false), "another writer")
        .withDataLayoutSpec(io.delta.kernel.transaction.DataLayoutSpec.partitioned(List.of(
            new io.delta.kernel.expressions.Column("partition_date"),
            new io.delta.kernel.expressions.Column("region"))))
        .build(table.engine())
        .commit(table.engine(), CloseableIterable.emptyIterable());
    Map<String, String> props = props(DeltaSinkConfig.TABLE_ENABLE_DOMAIN_METADATA, "true");
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    TableSink sink = sink(new FakeContext(false), props, 0);
    sink.open(List.of(p0));
    List<SinkRecord> records = events(0, 0, 20);
    sink.put(records);
    sink.close(List.of(p0));

    assertTrue(table.latest().orElseThrow().getProtocol().getWriterFeatures()
        .contains("domainMetadata"));
    assertEquals(expectedIds(records), ids(reader().rows()));
    // A restart resumes after the offsets now stored in the table: nothing is written twice.
    FakeContext again = new FakeContext(false);
    TableSink restarted = sink(again, props, 0);
    restarted.open(List.of(p0));
    restarted.put(records);
    restarted.close(List.of(p0));
    assertEquals(expectedIds(records), ids(reader().rows()));
  }

  @Test
  void restartResumesAfterStoredOffsetsAndSkipsRedeliveredRecords() {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    FakeContext first = new FakeContext(false);
    TableSink a = sink(first, props(), 0);
    a.open(List.of(p0));
    a.put(events(0, 0, 40));
    Map<TopicPartition, OffsetAndMetadata> before =
        a.preCommit(Map.of(p0, new OffsetAndMetadata(40)));
    assertTrue(before.isEmpty(), "nothing is in the table yet, so nothing may be committed to Kafka");
    a.close(List.of(p0)); // commits

    // A new task (after a crash before Kafka offsets were committed) is redelivered from offset 0.
    FakeContext second = new FakeContext(false);
    TableSink b = sink(second, props(), 0);
    b.open(List.of(p0));
    assertEquals(40L, second.offsets.get(p0), "resume right after the table's offset");
    b.put(events(0, 0, 60)); // 0..39 again, then 40..59
    b.close(List.of(p0));

    assertEquals(expectedIds(events(0, 0, 60)), ids(reader().rows()));
  }

  @Test
  void preCommitReportsOnlyDurableOffsets() {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    TableSink sink = sink(new FakeContext(false), props(DeltaSinkConfig.FLUSH_SIZE, "10"), 0);
    sink.open(List.of(p0));
    sink.put(events(0, 0, 15)); // commits 0..9 (in the background), buffers 10..14
    sink.awaitInFlightCommit();
    Map<TopicPartition, OffsetAndMetadata> out =
        sink.preCommit(Map.of(p0, new OffsetAndMetadata(15)));
    assertEquals(10L, out.get(p0).offset());
    assertEquals(10, reader().rows().size());
  }

  @Test
  void flushesWhenTheIntervalElapsesEvenWithoutNewRecords() {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    TableSink sink = sink(new FakeContext(false), props(DeltaSinkConfig.FLUSH_INTERVAL_MS, "5000"), 0);
    sink.open(List.of(p0));
    sink.put(events(0, 0, 5));
    clock.addAndGet(4_999);
    sink.put(List.of());
    assertFalse(tableExists(), "the interval has not elapsed yet");
    clock.addAndGet(1);
    sink.put(List.of());
    sink.awaitInFlightCommit();
    assertEquals(5, reader().rows().size());
  }

  boolean tableExists() {
    try {
      reader().snapshot();
      return true;
    } catch (io.delta.kernel.exceptions.TableNotFoundException e) {
      return false;
    }
  }

  @Test
  void poisonRecordsGoToTheDlqAndTheirOffsetsAreStillCovered() {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    FakeContext ctx = new FakeContext(true);
    TableSink sink = sink(ctx, props(), 0);
    sink.open(List.of(p0));
    List<SinkRecord> batch = new ArrayList<>(events(0, 0, 10));
    Schema wrong = SchemaBuilder.struct().field("event_id", Schema.STRING_SCHEMA)
        .field("surprise", Schema.STRING_SCHEMA).build();
    batch.add(new SinkRecord(TOPIC, 0, null, null, wrong,
        new Struct(wrong).put("event_id", "bad").put("surprise", "x"), 10));
    batch.add(new SinkRecord(TOPIC, 0, null, null, Schema.STRING_SCHEMA, "not a struct", 11));
    batch.add(new SinkRecord(TOPIC, 0, null, null, null, null, 12)); // tombstone: ignored, counted
    batch.addAll(events(0, 13, 20));
    sink.put(batch);
    sink.close(List.of(p0));

    assertEquals(2, ctx.dlq.size());
    assertInstanceOf(DataException.class, ctx.dlqReasons.get(0));
    assertTrue(ctx.dlqReasons.get(0).getMessage().contains("surprise"), ctx.dlqReasons.get(0).getMessage());
    List<Map<String, Object>> rows = reader().rows();
    assertEquals(17, rows.size());
    assertEquals(batch.size(), rows.size() + ctx.dlq.size() + 1, "table + DLQ + ignored == read");
    assertEquals(19, OffsetDomain.decode(
        reader().domain(new OffsetDomain("conn").name(p0)).orElseThrow()).offset());
  }

  @Test
  void withoutDlqAPoisonRecordFailsTheTaskNamingTheRecord() {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    TableSink sink = sink(new FakeContext(false), props(), 0);
    sink.open(List.of(p0));
    sink.put(events(0, 0, 3));
    var e = org.junit.jupiter.api.Assertions.assertThrows(
        org.apache.kafka.connect.errors.ConnectException.class,
        () -> sink.put(List.of(new SinkRecord(TOPIC, 0, null, null, Schema.STRING_SCHEMA, "x", 3))));
    assertTrue(e.getMessage().contains("events-0@3"), e.getMessage());
  }

  @Test
  void aZombieTaskThatLostItsPartitionIsFencedAndWritesNothingTwice() {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    FakeContext zombieCtx = new FakeContext(false);
    TableSink zombie = sink(zombieCtx, props(), 0);
    zombie.open(List.of(p0));
    zombie.put(events(0, 0, 20)); // buffered, not yet committed

    // The partition moved to another task, which read the (empty) table and committed 0..29.
    FakeContext ownerCtx = new FakeContext(false);
    TableSink owner = sink(ownerCtx, props(), 1);
    owner.open(List.of(p0));
    owner.put(events(0, 0, 30));
    owner.close(List.of(p0));

    // The zombie's commit must not add 0..19 again; it rewinds to the table's position instead.
    zombie.put(events(0, 20, 25));
    zombie.preCommit(Map.of(p0, new OffsetAndMetadata(25)));
    zombie.close(List.of());
    zombie.put(List.of());
    clock.addAndGet(61_000);
    zombie.put(List.of());

    assertEquals(30L, zombieCtx.offsets.get(p0), "rewound to after the owner's offset");
    assertEquals(expectedIds(events(0, 0, 30)), ids(reader().rows()));
  }

  @Test
  void rowsAreSortedIntoHivePartitionDirectories() throws Exception {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    TableSink sink = sink(new FakeContext(false), props(), 0);
    sink.open(List.of(p0));
    sink.put(events(0, 0, 6));
    sink.close(List.of(p0));
    try (var files = java.nio.file.Files.walk(dir.resolve("table"))) {
      List<String> dirs = files.filter(p -> p.toString().endsWith(".parquet"))
          .map(p -> dir.resolve("table").relativize(p.getParent()).toString())
          .distinct().sorted(Comparator.naturalOrder()).toList();
      assertEquals(List.of(
          "partition_date=2026-11-27/region=__HIVE_DEFAULT_PARTITION__",
          "partition_date=2026-11-27/region=eu",
          "partition_date=2026-11-27/region=us",
          "partition_date=2026-11-28/region=__HIVE_DEFAULT_PARTITION__",
          "partition_date=2026-11-28/region=eu",
          "partition_date=2026-11-28/region=us"), dirs);
    }
  }

  @Test
  void everyTypeRoundTripsThroughParquetAndAKernelScan() throws Exception {
    Schema all = io.github.deltaconnect.sink.convert.RowConverterTest.ALL;
    Schema address = io.github.deltaconnect.sink.convert.RowConverterTest.ADDRESS;
    Struct v = new Struct(all)
        .put("i8", (byte) -1).put("i16", (short) 300).put("i32", 70_000).put("i64", 1L << 40)
        .put("f32", 1.25f).put("f64", -2.5).put("flag", false).put("text", "zażółć")
        .put("blob", new byte[] {9, 8, 7})
        .put("price", new java.math.BigDecimal("-99999999.99"))
        .put("day", new java.util.Date(19_000L * 86_400_000L))
        .put("at", new java.util.Date(DAY0 + 1234))
        .put("clock", new java.util.Date(45_296_789L))
        .put("address", new Struct(address).put("city", "Kraków").put("zip", 30001))
        .put("tags", List.of("x", "y", "z"))
        .put("attrs", Map.of("a", 1L))
        .put("maybe", null);
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    TableSink sink = sink(new FakeContext(false), props(DeltaSinkConfig.PARTITION_FIELDS, "flag",
        DeltaSinkConfig.PARTITION_DERIVED, "", DeltaSinkConfig.METADATA_COLUMNS, "true"), 0);
    sink.open(List.of(p0));
    sink.put(List.of(new SinkRecord(TOPIC, 0, null, null, all, v, 7, 1_000L, null)));
    sink.close(List.of(p0));

    Map<String, Object> row = reader().rows().get(0);
    assertEquals((byte) -1, row.get("i8"));
    assertEquals((short) 300, row.get("i16"));
    assertEquals(70_000, row.get("i32"));
    assertEquals(1L << 40, row.get("i64"));
    assertEquals(1.25f, row.get("f32"));
    assertEquals(-2.5, row.get("f64"));
    assertEquals(false, row.get("flag"));
    assertEquals("zażółć", row.get("text"));
    org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {9, 8, 7}, (byte[]) row.get("blob"));
    assertEquals(new java.math.BigDecimal("-99999999.99"), row.get("price"));
    assertEquals(19_000, row.get("day"));
    assertEquals((DAY0 + 1234) * 1000, row.get("at"));
    assertEquals(45_296_789, row.get("clock"));
    assertEquals(Map.of("city", "Kraków", "zip", 30001), row.get("address"));
    assertEquals(List.of("x", "y", "z"), row.get("tags"));
    assertEquals(Map.of("a", 1L), row.get("attrs"));
    assertEquals(null, row.get("maybe"));
    assertEquals(TOPIC, row.get("_kafka_topic"));
    assertEquals(0, row.get("_kafka_partition"));
    assertEquals(7L, row.get("_kafka_offset"));
    assertEquals(1_000_000L, row.get("_kafka_timestamp"));

    // Strings go to Parquet as slices of buffered UTF-8 (see RowWriter): the files must declare them.
    org.apache.parquet.schema.MessageType file = dataFileSchema();
    org.apache.parquet.schema.LogicalTypeAnnotation string =
        org.apache.parquet.schema.LogicalTypeAnnotation.stringType();
    for (String[] path : List.of(new String[] {"text"}, new String[] {"address", "city"},
        new String[] {"tags", "list", "element"}, new String[] {"attrs", "key_value", "key"},
        new String[] {"_kafka_topic"})) {
      assertEquals(string, file.getType(path).getLogicalTypeAnnotation(), String.join(".", path));
    }
    assertEquals(null, file.getType("blob").getLogicalTypeAnnotation());
  }

  private org.apache.parquet.schema.MessageType dataFileSchema() throws java.io.IOException {
    Path log = dir.resolve("table/_delta_log");
    try (var files = java.nio.file.Files.walk(dir.resolve("table"))) {
      Path data = files.filter(f -> f.toString().endsWith(".parquet") && !f.startsWith(log))
          .findFirst().orElseThrow();
      try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(
          org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
              new org.apache.hadoop.fs.Path(data.toUri()), new org.apache.hadoop.conf.Configuration()))) {
        return reader.getFooter().getFileMetaData().getSchema();
      }
    }
  }

  @Test
  void writesCheckpointsAtTheConfiguredIntervalAndSnappyFiles() throws Exception {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    TableSink sink = sink(new FakeContext(false), props(DeltaSinkConfig.FLUSH_SIZE, "5",
        DeltaSinkConfig.CHECKPOINT_INTERVAL, "2"), 0);
    sink.open(List.of(p0));
    sink.put(events(0, 0, 25)); // five commits: versions 0..4
    sink.awaitInFlightCommit();
    Path log = dir.resolve("table/_delta_log");
    assertTrue(java.nio.file.Files.exists(log.resolve(String.format("%020d.checkpoint.parquet", 2))));
    assertTrue(java.nio.file.Files.exists(log.resolve(String.format("%020d.checkpoint.parquet", 4))));
    assertEquals(4, reader().snapshot().getVersion());
    assertEquals(25, reader().rows().size());
    try (var files = java.nio.file.Files.walk(dir.resolve("table"))) {
      Path data = files.filter(f -> f.toString().endsWith(".parquet") && !f.startsWith(log))
          .findFirst().orElseThrow();
      var conf = new org.apache.hadoop.conf.Configuration();
      try (var footer = org.apache.parquet.hadoop.ParquetFileReader.open(
          org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
              new org.apache.hadoop.fs.Path(data.toUri()), conf))) {
        assertEquals("SNAPPY", footer.getFooter().getBlocks().get(0).getColumns().get(0)
            .getCodec().name());
      }
    }
  }

  @Test
  void anIdleTaskCommitsOnTheTimerWithoutAnotherPut() {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    TableSink sink = sink(new FakeContext(false), props(DeltaSinkConfig.FLUSH_INTERVAL_MS, "1000"), 0);
    sink.open(List.of(p0));
    sink.put(events(0, 0, 7));
    sink.tick();
    assertFalse(tableExists());
    clock.addAndGet(1000);
    sink.tick();
    sink.awaitInFlightCommit();
    assertEquals(7, reader().rows().size());
  }

  @Test
  void aFenceFoundOnTheTimerRewindsAtTheNextPutAndDropsThatPutsStaleRecords() {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    FakeContext zombieCtx = new FakeContext(false);
    TableSink zombie = sink(zombieCtx, props(DeltaSinkConfig.FLUSH_INTERVAL_MS, "1000"), 0);
    zombie.open(List.of(p0));
    zombie.put(events(0, 0, 10));
    TableSink owner = sink(new FakeContext(false), props(), 1);
    owner.open(List.of(p0));
    owner.put(events(0, 0, 12));
    owner.close(List.of(p0));

    clock.addAndGet(1000);
    zombie.tick(); // fenced off the task thread: the rewind waits for the task thread
    zombie.awaitInFlightCommit();
    assertTrue(zombieCtx.offsets.isEmpty());
    zombie.put(events(0, 10, 15)); // fetched before the seek: ignored
    assertEquals(12L, zombieCtx.offsets.get(p0));
    zombie.put(events(0, 12, 20)); // after the seek
    zombie.close(List.of(p0));
    assertEquals(expectedIds(events(0, 0, 20)), ids(reader().rows()));
  }

  @Test
  void tombstonesAreIgnoredAndCountedOrSentToTheDlqOrFailTheTaskAsConfigured() {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    SinkRecord tombstone = new SinkRecord(TOPIC, 0, null, "k", null, null, 3);
    FakeContext ignore = new FakeContext(true);
    TableSink a = sink(ignore, props(), 0);
    a.open(List.of(p0));
    List<SinkRecord> batch = new ArrayList<>(events(0, 0, 3));
    batch.add(tombstone);
    a.put(batch);
    a.close(List.of(p0));
    assertEquals(1, metrics.getTombstonesIgnored());
    assertEquals(0, ignore.dlq.size());
    assertEquals(3, OffsetDomain.decode(
        reader().domain(new OffsetDomain("conn").name(p0)).orElseThrow()).offset(),
        "the ignored tombstone's offset is covered by the commit");

    FakeContext dlq = new FakeContext(true);
    TableSink b = sink(dlq, props(DeltaSinkConfig.TOMBSTONE_BEHAVIOR, "dlq", DeltaSinkConfig.TABLE_LOCATION,
        dir.resolve("t2").toString()), 0);
    b.open(List.of(p0));
    b.put(List.of(tombstone));
    assertEquals(List.of(tombstone), dlq.dlq);

    TableSink c = sink(new FakeContext(true), props(DeltaSinkConfig.TOMBSTONE_BEHAVIOR, "fail",
        DeltaSinkConfig.TABLE_LOCATION, dir.resolve("t3").toString()), 0);
    c.open(List.of(p0));
    var e = org.junit.jupiter.api.Assertions.assertThrows(
        org.apache.kafka.connect.errors.ConnectException.class, () -> c.put(List.of(tombstone)));
    assertTrue(e.getMessage().contains("events-0@3"), e.getMessage());
  }

  @Test
  void aNullPartitionValueGoesToTheDlqWhenConfigured() {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    FakeContext ctx = new FakeContext(true);
    TableSink sink = sink(ctx, props(DeltaSinkConfig.PARTITION_NULL_BEHAVIOR, "dlq"), 0);
    sink.open(List.of(p0));
    List<SinkRecord> batch = events(0, 0, 9); // every third region is null
    sink.put(batch);
    sink.close(List.of(p0));
    assertEquals(3, ctx.dlq.size());
    assertTrue(ctx.dlqReasons.get(0).getMessage().contains("[region]"), ctx.dlqReasons.get(0).getMessage());
    assertEquals(6, reader().rows().size());
  }

  @Test
  void bufferedMemoryStaysWithinTheBudgetWhateverTheNumberOfPartitions() {
    long budget = 256 * 1024;
    Map<String, String> p = props(DeltaSinkConfig.BUFFER_MEMORY_BYTES, Long.toString(budget),
        DeltaSinkConfig.FLUSH_BYTES, Long.toString(budget));
    TableSink sink = sink(new FakeContext(false), p, 0);
    List<TopicPartition> partitions = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      partitions.add(new TopicPartition(TOPIC, i));
    }
    sink.open(partitions);
    long maxBuffered = 0;
    List<SinkRecord> all = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      List<SinkRecord> batch = new ArrayList<>(); // one put() holds more than the budget
      for (int i = 0; i < 500; i++) {
        batch.addAll(events(i, round * 4, round * 4 + 4));
      }
      sink.put(batch);
      all.addAll(batch);
      maxBuffered = Math.max(maxBuffered, metrics.getMaxBufferedBytes());
    }
    sink.close(partitions);
    assertTrue(maxBuffered <= budget, "buffered " + maxBuffered + " > budget " + budget);
    assertTrue(metrics.getCommits() > 2, "flushed early, " + metrics.getCommits() + " commits");
    assertEquals(expectedIds(all), ids(reader().rows()));
  }

  @Test
  void aRecordLargerThanTheMemoryBudgetGoesToTheDlqAndJmxCountsIt() throws Exception {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    FakeContext ctx = new FakeContext(true);
    TableSink sink = sink(ctx, props(DeltaSinkConfig.BUFFER_MEMORY_BYTES, "32768",
        DeltaSinkConfig.FLUSH_BYTES, "32768"), 0);
    metrics.register("jmx-test", 7);
    sink.open(List.of(p0));
    SinkRecord huge = event(0, 1, "x".repeat(40_000), DAY0);
    sink.put(List.of(event(0, 0, "eu", DAY0), huge, event(0, 2, "us", DAY0)));
    sink.close(List.of(p0));
    assertEquals(List.of(huge), ctx.dlq);
    assertTrue(ctx.dlqReasons.get(0).getMessage().contains("record too large"));

    var server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
    var name = new javax.management.ObjectName(
        "io.github.deltaconnect:type=delta-sink-task-metrics,connector=\"jmx-test\",task=7");
    assertEquals(2L, server.getAttribute(name, "RecordsWritten"));
    assertEquals(1L, server.getAttribute(name, "RecordsToDlq"));
    assertEquals(1L, server.getAttribute(name, "Commits"));
    assertEquals(0L, server.getAttribute(name, "TableVersion"));
    sink.stop();
  }

  @Test
  void noCommitCoversARecordWhoseDlqWriteFailed() {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    FakeContext ctx = new FakeContext(true);
    ctx.failDlqWrites = true;
    TableSink sink = sink(ctx, props(), 0);
    sink.open(List.of(p0));
    sink.put(events(0, 0, 3));
    sink.put(List.of(new SinkRecord(TOPIC, 0, null, null, Schema.STRING_SCHEMA, "bad", 3)));
    var e = org.junit.jupiter.api.Assertions.assertThrows(
        org.apache.kafka.connect.errors.ConnectException.class, () -> sink.close(List.of(p0)));
    assertTrue(e.getMessage().contains("dead-letter queue write failed"), e.getMessage());
    assertFalse(tableExists(), "nothing was committed past the lost DLQ record");
  }

  @Test
  void aDlqWriteThatFailsOnTheTimerFailsTheTaskAtItsNextPutAndCommitsNothing() {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    FakeContext ctx = new FakeContext(true);
    ctx.failDlqWrites = true;
    TableSink sink = sink(ctx, props(DeltaSinkConfig.FLUSH_INTERVAL_MS, "1000"), 0);
    sink.open(List.of(p0));
    sink.put(events(0, 0, 3));
    sink.put(List.of(new SinkRecord(TOPIC, 0, null, null, Schema.STRING_SCHEMA, "bad", 3)));
    clock.addAndGet(1000);
    sink.tick(); // the timed commit finds the failed DLQ write: logged, and remembered
    var e = org.junit.jupiter.api.Assertions.assertThrows(
        org.apache.kafka.connect.errors.ConnectException.class, () -> sink.put(events(0, 4, 6)));
    assertTrue(e.getMessage().contains("dead-letter queue write failed"), e.getMessage());
    sink.close(List.of(p0)); // a failed task commits nothing on its way out
    assertFalse(tableExists(), "nothing was committed past the lost DLQ record");
    sink.stop();
  }

  @Test
  void aDlqWriteThatFailsInPreCommitFailsTheTaskAtItsNextPut() {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    FakeContext ctx = new FakeContext(true);
    ctx.failDlqWrites = true;
    TableSink sink = sink(ctx, props(DeltaSinkConfig.FLUSH_INTERVAL_MS, "1000"), 0);
    sink.open(List.of(p0));
    sink.put(events(0, 0, 3));
    sink.put(List.of(new SinkRecord(TOPIC, 0, null, null, Schema.STRING_SCHEMA, "bad", 3)));
    clock.addAndGet(1000);
    assertTrue(sink.preCommit(Map.of(p0, new OffsetAndMetadata(4))).isEmpty(), "nothing durable");
    var e = org.junit.jupiter.api.Assertions.assertThrows(
        org.apache.kafka.connect.errors.ConnectException.class, () -> sink.put(events(0, 4, 6)));
    assertTrue(e.getMessage().contains("dead-letter queue write failed"), e.getMessage());
    assertFalse(tableExists());
    sink.stop();
  }

  @Test
  void anErrorOnTheTimerFailsTheTaskAtItsNextPutInsteadOfEndingTheTimerSilently() {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    FakeContext ctx = new FakeContext(true);
    ctx.dlqWaitError = new NoClassDefFoundError("injected");
    TableSink sink = sink(ctx, props(DeltaSinkConfig.FLUSH_INTERVAL_MS, "1000"), 0);
    sink.open(List.of(p0));
    sink.put(events(0, 0, 3));
    sink.put(List.of(new SinkRecord(TOPIC, 0, null, null, Schema.STRING_SCHEMA, "bad", 3)));
    clock.addAndGet(1000);
    sink.tick(); // must not throw: an exception would cancel every later tick
    var e = org.junit.jupiter.api.Assertions.assertThrows(
        org.apache.kafka.connect.errors.ConnectException.class, () -> sink.put(events(0, 4, 6)));
    assertInstanceOf(NoClassDefFoundError.class, e.getCause(), "the cause is in the task's trace");
    assertFalse(tableExists());
    sink.stop();
  }

  @Test
  void aDlqWriteStillPendingHoldsBackTheCommitThatCoversItsOffset() throws Exception {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    FakeContext ctx = new FakeContext(true);
    ctx.lateDlqWrite = new FakeContext.Late();
    TableSink sink = sink(ctx, props(DeltaSinkConfig.FLUSH_INTERVAL_MS, "1000"), 0);
    sink.open(List.of(p0));
    sink.put(events(0, 0, 3));
    sink.put(List.of(new SinkRecord(TOPIC, 0, null, null, Schema.STRING_SCHEMA, "bad", 3)));
    clock.addAndGet(1000);
    java.util.concurrent.CompletableFuture<Void> timer =
        java.util.concurrent.CompletableFuture.runAsync(sink::tick);
    assertTrue(ctx.lateDlqWrite.awaited.await(30, java.util.concurrent.TimeUnit.SECONDS),
        "the timed commit waits for the DLQ write");
    assertFalse(tableExists(), "no commit while the DLQ write is pending");
    assertFalse(timer.isDone());
    ctx.lateDlqWrite.complete(null);
    timer.get(30, java.util.concurrent.TimeUnit.SECONDS);
    sink.awaitInFlightCommit();
    assertEquals(expectedIds(events(0, 0, 3)), ids(reader().rows()));
    assertEquals(3, OffsetDomain.decode(
        reader().domain(new OffsetDomain("conn").name(p0)).orElseThrow()).offset(),
        "the commit covers the dead-lettered record once its write is acknowledged");
    sink.stop();
  }

  /** A record nested {@code depth} structs deep. */
  static SinkRecord nested(int depth, long offset) {
    Schema schema = SchemaBuilder.struct().name("Leaf").field("v", Schema.STRING_SCHEMA).build();
    Struct value = new Struct(schema).put("v", "leaf");
    for (int i = 0; i < depth; i++) {
      Schema outer = SchemaBuilder.struct().name("L" + i).field("c", schema).build();
      value = new Struct(outer).put("c", value);
      schema = outer;
    }
    Schema top = SchemaBuilder.struct().name("Event").field("event_id", Schema.STRING_SCHEMA)
        .field("region", Schema.OPTIONAL_STRING_SCHEMA).field("deep", schema).build();
    return new SinkRecord(TOPIC, 0, null, null, top,
        new Struct(top).put("event_id", "deep").put("region", "eu").put("deep", value), offset);
  }

  @Test
  void aDeeplyNestedRecordGoesToTheDlqWithAReasonAndTheTaskSurvives() {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    FakeContext ctx = new FakeContext(true);
    TableSink sink = sink(ctx, props(DeltaSinkConfig.PARTITION_FIELDS, "region",
        DeltaSinkConfig.PARTITION_DERIVED, ""), 0);
    sink.open(List.of(p0));
    sink.put(List.of(nested(5_000, 0)));
    sink.put(events(0, 1, 5));
    sink.close(List.of(p0));
    assertEquals(1, ctx.dlq.size());
    assertTrue(ctx.dlqReasons.get(0).getMessage().contains("nested"),
        ctx.dlqReasons.get(0).getMessage());
    assertEquals(expectedIds(events(0, 1, 5)), ids(reader().rows()));
    sink.stop();
  }

  @Test
  void addActionsCarryColumnStatisticsForFileSkipping() throws Exception {
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    TableSink sink = sink(new FakeContext(false), props(DeltaSinkConfig.PARTITION_FIELDS, "",
        DeltaSinkConfig.PARTITION_DERIVED, ""), 0);
    sink.open(List.of(p0));
    sink.put(events(0, 5, 25));
    sink.close(List.of(p0));
    String commit = java.nio.file.Files.readString(
        dir.resolve("table/_delta_log/00000000000000000000.json"));
    String add = commit.lines().filter(l -> l.startsWith("{\"add\"")).findFirst().orElseThrow();
    var stats = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(add).get("add").get("stats").asText());
    assertEquals(20, stats.get("numRecords").asInt());
    assertEquals(5, stats.get("minValues").get("user_id").asInt());
    assertEquals(24, stats.get("maxValues").get("user_id").asInt());
    assertEquals(0, stats.get("nullCount").get("event_id").asInt());
  }
}
