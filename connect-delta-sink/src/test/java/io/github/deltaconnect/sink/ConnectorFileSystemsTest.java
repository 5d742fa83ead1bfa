package io.github.deltaconnect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.metrics.SinkMetrics;
import io.github.deltaconnect.sink.testing.FakeContext;
import io.github.deltaconnect.sink.testing.S3Server;
import io.github.deltaconnect.sink.testing.TableReader;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.hadoop.fs.FileSystem;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Each task's tables use filesystems made from that task's own settings, and closes them when it
 * stops. Hadoop's JVM-wide cache (scheme, bucket, user) would hand the second connector writing a
 * bucket the first one's client, endpoint and credentials. Nothing here disables that cache.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectorFileSystemsTest {
  static final TopicPartition P0 = new TopicPartition(TableSinkTest.TOPIC, 0);
  static final String TABLE = "s3a://lake/events";
  S3Server first;
  S3Server second;

  @BeforeAll
  void start() throws Exception {
    first = new S3Server("first-access", "first-secret-0123456789");
    second = new S3Server("second-access", "second-secret-0123456789");
    first.createBucket("lake");
    second.createBucket("lake");
  }

  @AfterAll
  void stop() throws Exception {
    first.close();
    second.close();
  }

  static Map<String, String> props(S3Server server, String... extra) {
    Map<String, String> props = new HashMap<>();
    props.put("name", "conn");
    props.put(DeltaSinkConfig.TABLE_LOCATION, TABLE);
    props.put(DeltaSinkConfig.PARTITION_FIELDS, "region");
    server.s3aSettings().forEach((k, v) -> props.put("hadoop." + k, v));
    for (int i = 0; i < extra.length; i += 2) {
      props.put(extra[i], extra[i + 1]);
    }
    return props;
  }

  static TableSink sink(Map<String, String> props) {
    DeltaSinkConfig config = new DeltaSinkConfig(props);
    return new TableSink(config, new FakeContext(false), DeltaTable.open(config), "conn", 0,
        new SinkMetrics(), System::currentTimeMillis);
  }

  @Test
  void connectorsWritingOneBucketNameThroughTheirOwnEndpointsEachReachTheirOwnStore() {
    TableSink a = sink(props(first));
    TableSink b = sink(props(second));
    a.open(List.of(P0));
    b.open(List.of(P0));
    a.put(TableSinkTest.events(0, 0, 30));
    b.put(TableSinkTest.events(0, 100, 110));
    a.close(List.of(P0));
    b.close(List.of(P0));

    // The same bucket and key on another endpoint with another identity: a separate client,
    // which is refused, while the others keep working.
    Map<String, String> wrong = props(first, "hadoop.fs.s3a.secret.key", "not-the-secret-0000000");
    TableSink intruder = sink(wrong);
    RuntimeException refused = assertThrows(RuntimeException.class, () -> {
      intruder.open(List.of(P0));
      intruder.put(TableSinkTest.events(0, 30, 40));
      intruder.close(List.of(P0));
    });
    assertTrue(String.valueOf(refused).contains("403") || String.valueOf(refused.getCause())
        .contains("403") || String.valueOf(refused).toLowerCase().contains("denied")
        || String.valueOf(refused).contains("Forbidden") || refused.getClass().getName()
        .contains("AccessDenied"), "refused for its credentials: " + refused);
    intruder.stop();
    a.open(List.of(P0));
    a.put(TableSinkTest.events(0, 30, 40));
    a.close(List.of(P0));
    a.stop();
    b.stop();

    assertEquals(TableSinkTest.expectedIds(TableSinkTest.events(0, 0, 40)),
        TableSinkTest.ids(new TableReader(TABLE, first.hadoopConf()).rows()));
    assertEquals(TableSinkTest.expectedIds(TableSinkTest.events(0, 100, 110)),
        TableSinkTest.ids(new TableReader(TABLE, second.hadoopConf()).rows()));
  }

  @Test
  void twentyStartStopCyclesOfATaskLeaveNoFilesystemOrThreadBehind() throws Exception {
    cycle(0); // warm-up: JVM-wide pieces made once (SDK, Hadoop metrics) are not leaks
    int cachedBefore = cachedFileSystems();
    long threadsBefore = taskThreads();
    for (int i = 1; i <= 20; i++) {
      cycle(i);
    }
    eventually(() -> taskThreads() == threadsBefore,
        () -> taskThreads() - threadsBefore + " threads left behind, e.g. "
            + taskThreadNames().stream().limit(5).toList());
    assertEquals(cachedBefore, cachedFileSystems(), "filesystems left open");
    TableReader reader = new TableReader(TABLE.replace("events", "cycles"), first.hadoopConf());
    assertEquals(210, reader.rows().size(), "each cycle's records, once");
  }

  /** One task's life: start, write 10 records, close, stop. */
  void cycle(int i) {
    DeltaSinkTask task = new DeltaSinkTask();
    task.initialize(new FakeContext(false));
    task.start(props(first, DeltaSinkConfig.TABLE_LOCATION, "s3a://lake/cycles"));
    task.open(List.of(P0));
    task.put(TableSinkTest.events(0, i * 10L, i * 10L + 10));
    task.close(List.of(P0));
    task.stop();
  }

  /** Threads the sink or its S3 clients start (S3A's pools are named s3a-transfer-...). */
  static long taskThreads() {
    return taskThreadNames().size();
  }

  static List<String> taskThreadNames() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("s3a-") || n.startsWith("delta-sink-"))
        .sorted().toList();
  }

  /** Instances in Hadoop's FileSystem cache; newInstance registers each until it is closed. */
  static int cachedFileSystems() throws Exception {
    Method size = FileSystem.class.getDeclaredMethod("cacheSize");
    size.setAccessible(true);
    return (int) size.invoke(null);
  }

  static void eventually(BooleanSupplier condition, java.util.function.Supplier<String> message)
      throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, message.get());
      Thread.sleep(20);
    }
  }
}
