package io.github.deltaconnect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.metrics.SinkMetrics;
import io.github.deltaconnect.sink.testing.FakeContext;
import io.github.deltaconnect.sink.testing.FaultProxy;
import io.github.deltaconnect.sink.testing.FaultProxy.Fault;
import io.github.deltaconnect.sink.testing.FaultProxy.Rule;
import io.github.deltaconnect.sink.testing.S3Server;
import io.github.deltaconnect.sink.testing.TableReader;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.fs.s3a.impl.AWSClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sink on S3 through a proxy that injects faults (errors, throttling, timeouts, lost
 * responses) into S3A's requests. Each scenario runs the task as Connect would: a task that fails
 * is stopped and a new one started, resuming from the table. It ends with an independent read:
 * every record exactly once, no file the log references missing, orphan files counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class S3FaultsTest {
  static final TopicPartition P0 = new TopicPartition(TableSinkTest.TOPIC, 0);
  static final int RECORDS = 50;
  static final String COMMIT = ".*_delta_log/\\d{20}\\.json";
  static final String DATA = ".*\\.parquet";
  S3Server s3;

  @BeforeAll
  void start() throws Exception {
    // S3A raises network timeouts to at least 15 s; lowered so a timeout scenario takes seconds.
    AWSClientConfig.setMinimumOperationDuration(Duration.ofMillis(100));
    s3 = new S3Server();
    s3.createBucket("lake");
  }

  @AfterAll
  void stop() throws Exception {
    AWSClientConfig.resetMinimumOperationDuration();
    s3.close();
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        Arguments.of("503 SlowDown on a data-file PUT",
            Rule.on("PUT", DATA, Fault.status(503, "SlowDown")).first(2)),
        Arguments.of("500 on a data-file PUT, every try of one call",
            Rule.on("PUT", DATA, Fault.status(500, "InternalError")).first(9)),
        Arguments.of("503 SlowDown on a commit-file PUT",
            Rule.on("PUT", COMMIT, Fault.status(503, "SlowDown")).nth(2)),
        Arguments.of("500 on GETs of log files (commits, checksums)",
            Rule.on("GET", ".*_delta_log/[^?]+", Fault.status(500, "InternalError")).first(3)),
        Arguments.of("500 on LISTs", Rule.on("GET", ".*list-type=2.*",
            Fault.status(500, "InternalError")).first(3)),
        Arguments.of("503 on HEADs", Rule.on("HEAD", ".*",
            Fault.status(503, "SlowDown")).first(3)),
        Arguments.of("connection reset on a data-file PUT",
            Rule.on("PUT", DATA, Fault.resetBeforeForwarding()).nth(3)),
        Arguments.of("timeout on a data-file PUT",
            Rule.on("PUT", DATA, Fault.delay(3_000)).nth(2)),
        Arguments.of("lost response after a data-file PUT",
            Rule.on("PUT", DATA, Fault.lostResponse()).nth(2)),
        Arguments.of("lost response after the commit-file PUT of version 2",
            Rule.on("PUT", ".*_delta_log/0{19}2\\.json", Fault.lostResponse()).first(1)),
        Arguments.of("lost responses after every try of the first commit-file PUT",
            Rule.on("PUT", COMMIT, Fault.lostResponse()).first(6)),
        Arguments.of("500 on every commit-file PUT for a while",
            Rule.on("PUT", COMMIT, Fault.status(500, "InternalError")).first(12)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void everyRecordLandsOnceWhateverS3Does(String name, Rule rule) throws Exception {
    run(name, List.of(rule));
  }

  /**
   * Random schedules of several faults at once, from a printed seed. {@code verify} runs a few
   * with a fixed seed; the {@code faults-long} profile runs many with a random one
   * (docs/reliability.md).
   */
  @org.junit.jupiter.api.Test
  void randomFaultSchedulesLoseAndRepeatNothing() throws Exception {
    String seedSetting = System.getProperty("faults.seed", "20261205");
    long seed = seedSetting.equals("random") ? System.nanoTime() : Long.parseLong(seedSetting);
    int iterations = Integer.getInteger("faults.iterations", 3);
    System.out.printf("Random fault schedules: -Dfaults.seed=%d -Dfaults.iterations=%d%n", seed,
        iterations);
    java.util.Random random = new java.util.Random(seed);
    List<Rule> pool = faults().map(a -> (Rule) a.get()[1]).toList();
    for (int i = 0; i < iterations; i++) {
      List<Rule> schedule = new ArrayList<>();
      for (int k = 0; k < 3; k++) {
        Rule r = pool.get(random.nextInt(pool.size()));
        int first = 1 + random.nextInt(8);
        schedule.add(new Rule(r.method(), r.target(), first, first + random.nextInt(4), r.fault()));
      }
      run("random " + seed + " " + i, schedule);
    }
  }

  /**
   * Files above S3A's 5 MiB part size go up as multipart uploads: a part that fails on every try,
   * a part whose answer is lost, and a lost answer to the call that completes the upload (the
   * object exists, S3A does not know and retries).
   */
  static Stream<Arguments> multipartFaults() {
    return Stream.of(
        Arguments.of("500 on every try of part 2 of a multipart upload",
            Rule.on("PUT", PART_2, Fault.status(500, "InternalError")).first(9)),
        Arguments.of("lost response after part 2 of a multipart upload",
            Rule.on("PUT", PART_2, Fault.lostResponse()).nth(1)),
        Arguments.of("connection reset on part 1 of a multipart upload",
            Rule.on("PUT", ".*\\.parquet\\?partNumber=1&.*", Fault.resetBeforeForwarding()).nth(1)),
        Arguments.of("lost response after completing a multipart upload",
            Rule.on("POST", ".*\\.parquet\\?uploadId=.*", Fault.lostResponse()).nth(1)));
  }

  static final String PART_2 = ".*\\.parquet\\?partNumber=2&.*";

  @ParameterizedTest(name = "{0}")
  @MethodSource("multipartFaults")
  void aMultipartUploadThatFailsMidwayLosesAndRepeatsNothing(String name, Rule rule)
      throws Exception {
    Map<String, String> multipart = Map.of(
        "hadoop.fs.s3a.multipart.size", "5M", // S3's minimum part size, and S3A's
        "hadoop.fs.s3a.multipart.threshold", "5M",
        DeltaSinkConfig.FLUSH_SIZE, String.valueOf(BLOBS));
    List<String> fired = run(name, List.of(rule), blobEvents(), multipart);
    assertTrue(fired.stream().anyMatch(t -> t.contains("?uploads")),
        "the data file went up as a multipart upload: " + fired);
    String prefix = name.replaceAll("[^a-z0-9]+", "-") + "/";
    try (org.apache.hadoop.fs.s3a.S3AFileSystem fs = (org.apache.hadoop.fs.s3a.S3AFileSystem)
        org.apache.hadoop.fs.FileSystem.newInstance(URI.create("s3a://lake/"), s3.hadoopConf())) {
      assertEquals(List.of(), fs.listMultipartUploads(prefix).stream()
          .map(u -> u.key() + " " + u.uploadId()).toList(), "no upload left open (S3 bills them)");
    }
  }

  /** Events with 300 KB of random bytes (as base64) each: one batch is a file of about 9.6 MB. */
  static final int BLOBS = 24;

  static List<SinkRecord> blobEvents() {
    Schema schema = SchemaBuilder.struct().name("Blob").field("event_id", Schema.STRING_SCHEMA)
        .field("region", Schema.OPTIONAL_STRING_SCHEMA).field("payload", Schema.STRING_SCHEMA)
        .build();
    java.util.Random random = new java.util.Random(42);
    List<SinkRecord> out = new ArrayList<>();
    for (int o = 0; o < BLOBS * 2; o++) {
      byte[] bytes = new byte[300_000];
      random.nextBytes(bytes); // incompressible, so Parquet's file stays above the part size
      Struct v = new Struct(schema).put("event_id", "e-0-" + o).put("region", "eu")
          .put("payload", java.util.Base64.getEncoder().encodeToString(bytes));
      out.add(new SinkRecord(TableSinkTest.TOPIC, 0, null, null, schema, v, o));
    }
    return out;
  }

  void run(String name, List<Rule> rules) throws Exception {
    run(name, rules, TableSinkTest.events(0, 0, RECORDS), Map.of());
  }

  /** Runs tasks until one gets through, checks the table; the targets of every request sent. */
  List<String> run(String name, List<Rule> rules, List<SinkRecord> records,
      Map<String, String> settings) throws Exception {
    String table = "s3a://lake/" + name.replaceAll("[^a-z0-9]+", "-");
    List<String> failures = new ArrayList<>();
    SinkMetrics metrics = new SinkMetrics();
    try (FaultProxy proxy = new FaultProxy(URI.create(s3.s3aSettings().get("fs.s3a.endpoint")))) {
      rules.forEach(proxy::add);
      for (int life = 0; life < 6; life++) { // a failed task is restarted, as an operator would
        if (runTask(table, proxy, metrics, failures, records, settings)) {
          break;
        }
      }
      TableReader reader = new TableReader(table, s3.hadoopConf());
      List<String> ids = TableSinkTest.ids(reader.rows());
      List<String> orphans = reader.orphanFiles();
      System.out.printf("FAULT | %s | fired %d | task failures %d | rows %d | duplicates %d"
              + " | missing files %d | orphans %d | recovered commits %d | kept files %d%n",
          name, proxy.faults().size(), failures.size(), ids.size(),
          ids.size() - new HashSet<>(ids).size(), reader.missingFiles().size(), orphans.size(),
          metrics.getCommitsRecovered(), metrics.getFilesKeptUnknownOutcome());
      if (rules.size() == 1) {
        assertTrue(!proxy.faults().isEmpty(), "the fault fired: " + proxy.exchanges());
      }
      assertEquals(TableSinkTest.expectedIds(records), ids,
          "every record once; task failures: " + failures);
      assertEquals(List.of(), reader.missingFiles(), "no referenced file missing");
      assertTrue(orphans.size() <= metrics.getFilesKeptUnknownOutcome() + failures.size() * 3L,
          "orphans only from failed attempts: " + orphans);
      return proxy.exchanges().stream().map(e -> e.method() + " " + e.target()).toList();
    }
  }

  /** One task's life; false if it failed (Connect would mark it FAILED). */
  boolean runTask(String table, FaultProxy proxy, SinkMetrics metrics, List<String> failures,
      List<SinkRecord> all, Map<String, String> settings) {
    Map<String, String> p = new HashMap<>();
    p.put(DeltaSinkConfig.TABLE_LOCATION, table);
    p.put(DeltaSinkConfig.PARTITION_FIELDS, "region");
    p.put(DeltaSinkConfig.FLUSH_SIZE, "10");
    s3.s3aSettings().forEach((k, v) -> p.put("hadoop." + k, v));
    p.put("hadoop.fs.s3a.endpoint", proxy.endpoint());
    p.put("hadoop.fs.s3a.connection.establish.timeout", "2s");
    p.put("hadoop.fs.s3a.connection.timeout", "2s");
    p.put("hadoop.fs.s3a.connection.request.timeout", "10s");
    p.put("hadoop.fs.s3a.retry.interval", "10ms");
    p.put("hadoop.fs.s3a.retry.throttle.interval", "10ms");
    p.putAll(settings);
    DeltaSinkConfig config = new DeltaSinkConfig(p);
    FakeContext ctx = new FakeContext(false);
    TableSink sink = new TableSink(config, ctx, DeltaTable.open(config), "conn", 0, metrics,
        System::currentTimeMillis);
    try {
      sink.open(List.of(P0));
      long from = ctx.offsets.getOrDefault(P0, 0L); // Connect seeks where the table says
      List<SinkRecord> records = all.subList((int) from, all.size());
      for (int i = 0; i < records.size(); i += 7) { // Connect hands over records in polls
        sink.put(records.subList(i, Math.min(i + 7, records.size())));
      }
      sink.close(List.of(P0));
      return true;
    } catch (RuntimeException e) {
      failures.add(String.valueOf(e));
      return false;
    } finally {
      sink.stop();
    }
  }
}
