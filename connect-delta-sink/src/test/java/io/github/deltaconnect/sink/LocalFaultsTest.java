package io.github.deltaconnect.sink;

import static io.github.deltaconnect.sink.TableSinkTest.TOPIC;
import static io.github.deltaconnect.sink.TableSinkTest.events;
import static io.github.deltaconnect.sink.TableSinkTest.expectedIds;
import static io.github.deltaconnect.sink.TableSinkTest.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.metrics.SinkMetrics;
import io.github.deltaconnect.sink.testing.FailingLocalFileSystem;
import io.github.deltaconnect.sink.testing.FakeContext;
import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A local table whose disk refuses writes: the task fails naming the path and the cause, and after
 * the cause is gone a restarted task lands every record once and leaves no stray file.
 */
class LocalFaultsTest {
  static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

  @TempDir
  Path dir;
  final AtomicLong clock = new AtomicLong(1_000_000);

  TableSink sink(boolean failing, String kind) {
    Map<String, String> p = new HashMap<>();
    p.put(DeltaSinkConfig.TABLE_LOCATION, dir.resolve("table").toString());
    p.put(DeltaSinkConfig.PARTITION_FIELDS, "region");
    p.put(DeltaSinkConfig.FLUSH_SIZE, "10");
    if (failing) {
      p.put("hadoop.fs.file.impl", FailingLocalFileSystem.class.getName());
      // The region=us directory fails; the first batch (all regions) cannot be written.
      p.put("hadoop." + FailingLocalFileSystem.UNDER, dir.resolve("table/region=us").toString());
      p.put("hadoop." + FailingLocalFileSystem.KIND, kind);
    }
    DeltaSinkConfig config = new DeltaSinkConfig(p);
    return new TableSink(config, new FakeContext(false), DeltaTable.open(config), "conn", 0,
        new SinkMetrics(), clock::get);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"denied, Permission denied", "full, No space left on device"})
  void aDiskThatRefusesWritesFailsTheTaskNamingThePathAndARestartLosesNothing(String kind,
      String cause) {
    TableSink failing = sink(true, kind);
    failing.open(List.of(P0));
    failing.put(events(0, 0, 10)); // a full batch, committed in the background: it fails there
    RuntimeException e = assertThrows(RuntimeException.class, () -> {
      failing.put(events(0, 10, 20));
      failing.close(List.of(P0));
    });
    String trace = e + " / " + e.getCause();
    assertTrue(trace.contains(dir.resolve("table").toString()), "names the path: " + trace);
    assertTrue(trace.contains(cause), "says why: " + trace);
    failing.stop();

    TableReader reader = new TableReader(DeltaTable.qualify(dir.resolve("table").toString()));
    // The cause is fixed (space freed, permission granted); the task restarts.
    TableSink restarted = sink(false, kind);
    restarted.open(List.of(P0));
    restarted.put(events(0, 0, 40));
    restarted.close(List.of(P0));
    restarted.stop();
    assertEquals(expectedIds(events(0, 0, 40)), ids(reader.rows()), "every record once");
    assertEquals(List.of(), reader.orphanFiles(), "the failed write left no file behind");
    assertEquals(List.of(), reader.missingFiles());
  }
}
