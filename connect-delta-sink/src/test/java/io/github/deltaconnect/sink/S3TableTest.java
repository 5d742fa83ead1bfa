package io.github.deltaconnect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.commit.BatchCommitter;
import io.github.deltaconnect.sink.commit.BatchCommitterTest;
import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.commit.FaultPoint;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.metrics.SinkMetrics;
import io.github.deltaconnect.sink.offsets.OffsetDomain;
import io.github.deltaconnect.sink.testing.FakeContext;
import io.github.deltaconnect.sink.testing.RacingTable;
import io.github.deltaconnect.sink.testing.S3Server;
import io.github.deltaconnect.sink.testing.TableReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The sink on S3 through Hadoop S3A, against an S3 server running in this JVM (S3Proxy). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3TableTest {
  S3Server s3;

  @BeforeAll
  void start() throws Exception {
    s3 = new S3Server();
    s3.createBucket("lake");
  }

  @AfterAll
  void stop() throws Exception {
    s3.close();
  }

  @Test
  void theSinkLandsRecordsInATableOnS3AndResumesFromItsOffsets() {
    Map<String, String> props = new HashMap<>();
    props.put(DeltaSinkConfig.TABLE_LOCATION, "s3a://lake/bronze/events");
    props.put(DeltaSinkConfig.PARTITION_FIELDS, "partition_date,region");
    props.put(DeltaSinkConfig.PARTITION_DERIVED, "partition_date=date(event_ts)");
    s3.s3aSettings().forEach((k, v) -> props.put("hadoop." + k, v));
    DeltaSinkConfig config = new DeltaSinkConfig(props);
    TopicPartition p0 = new TopicPartition(TableSinkTest.TOPIC, 0);

    TableSink first = new TableSink(config, new FakeContext(false), DeltaTable.open(config), "conn",
        0, new SinkMetrics(), System::currentTimeMillis);
    first.open(List.of(p0));
    first.put(TableSinkTest.events(0, 0, 40));
    first.close(List.of(p0));
    FakeContext ctx = new FakeContext(false);
    TableSink second = new TableSink(config, ctx, DeltaTable.open(config), "conn", 0,
        new SinkMetrics(), System::currentTimeMillis);
    second.open(List.of(p0));
    assertEquals(40L, ctx.offsets.get(p0), "resumes after the offset stored in the S3 table");
    List<SinkRecord> redelivered = TableSinkTest.events(0, 30, 60);
    second.put(redelivered);
    second.close(List.of(p0));

    TableReader reader = new TableReader("s3a://lake/bronze/events", s3.hadoopConf());
    assertEquals(TableSinkTest.expectedIds(TableSinkTest.events(0, 0, 60)),
        TableSinkTest.ids(reader.rows()));
    assertTrue(s3.puts().stream().anyMatch(p -> p.key().endsWith("_delta_log/00000000000000000001.json")
        && "*".equals(p.ifNoneMatch()) && p.accepted()), "commit files are conditional PUTs");
  }

  @Test
  void twoWritersRacingForTheSameVersionOnS3BothLandAndNeitherOverwritesTheOther() {
    String location = "s3a://lake/race";
    BatchCommitter seed = committer(location, 9, null);
    seed.commit(BatchCommitterTest.rows(9, "seed", 2), BatchCommitterTest.SCHEMA, List.of("region"));
    // Writer A reads version 0; writer B (another "worker": its own engine and S3A clients, no
    // shared lock) commits version 1 while A writes its files; A then races for version 1 too.
    BatchCommitter b = committer(location, 1, null);
    BatchCommitter a = committer(location, 0, () -> assertInstanceOf(BatchCommitter.Committed.class,
        b.commit(BatchCommitterTest.rows(1, "b", 10), BatchCommitterTest.SCHEMA,
            List.of("region"))));
    BatchCommitter.Committed committed = assertInstanceOf(BatchCommitter.Committed.class,
        a.commit(BatchCommitterTest.rows(0, "a", 10), BatchCommitterTest.SCHEMA, List.of("region")));

    assertEquals(2, committed.version(), "A lost version 1 to B and landed as version 2");
    List<S3Server.Put> commitOne = s3.puts().stream()
        .filter(p -> p.key().equals("race/_delta_log/00000000000000000001.json")).toList();
    assertEquals(2, commitOne.size(), "both writers tried version 1: " + commitOne);
    assertEquals(1, commitOne.stream().filter(S3Server.Put::accepted).count(),
        "exactly one conditional PUT won: " + commitOne);
    assertTrue(commitOne.stream().allMatch(p -> "*".equals(p.ifNoneMatch())), commitOne.toString());

    TableReader reader = new TableReader(location, s3.hadoopConf());
    Map<Object, Long> perWriter = reader.rows().stream().collect(Collectors.groupingBy(
        r -> ((String) r.get("id")).replaceAll("\\d+$", ""), Collectors.counting()));
    assertEquals(Map.of("seed", 2L, "a", 10L, "b", 10L), perWriter);
    OffsetDomain domain = new OffsetDomain("c");
    assertEquals(9L, OffsetDomain.decode(reader.domain(domain.name(new TopicPartition("t", 0)))
        .orElseThrow()).offset());
    assertEquals(9L, OffsetDomain.decode(reader.domain(domain.name(new TopicPartition("t", 1)))
        .orElseThrow()).offset());
  }

  /** A committer with its own engine and S3A clients, as a task in another worker would have. */
  BatchCommitter committer(String location, int task, Runnable race) {
    Map<String, String> props = new HashMap<>();
    props.put(DeltaSinkConfig.TABLE_LOCATION, location);
    s3.s3aSettings().forEach((k, v) -> props.put("hadoop." + k, v));
    props.put("hadoop.fs.s3a.impl.disable.cache", "true");
    DeltaTable table = DeltaTable.open(new DeltaSinkConfig(props));
    if (race != null) {
      table = new RacingTable(table, race);
    }
    return new BatchCommitter(table, new OffsetDomain("c"), task, 5, 10, false, FaultPoint.parse(""));
  }
}
