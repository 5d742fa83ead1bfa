package io.github.deltaconnect.sink;

import static io.github.deltaconnect.sink.TableSinkTest.TOPIC;
import static io.github.deltaconnect.sink.TableSinkTest.events;
import static io.github.deltaconnect.sink.TableSinkTest.expectedIds;
import static io.github.deltaconnect.sink.TableSinkTest.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.metrics.SinkMetrics;
import io.github.deltaconnect.sink.testing.FakeContext;
import io.github.deltaconnect.sink.testing.RacingTable;
import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commits run in the background while the task buffers the next batch, without losing order. */
class PipelinedCommitTest {
  static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

  @TempDir
  Path dir;
  final AtomicLong clock = new AtomicLong(1_000_000);

  DeltaSinkConfig config(String... extra) {
    Map<String, String> p = new HashMap<>();
    p.put(DeltaSinkConfig.TABLE_LOCATION, dir.resolve("table").toString());
    p.put(DeltaSinkConfig.PARTITION_FIELDS, "region");
    p.put(DeltaSinkConfig.FLUSH_SIZE, "10");
    for (int i = 0; i < extra.length; i += 2) {
      p.put(extra[i], extra[i + 1]);
    }
    return new DeltaSinkConfig(p);
  }

  /** A sink whose first commit stops before writing files until {@code release} opens. */
  TableSink heldSink(FakeContext ctx, int task, CountDownLatch writing, Runnable whileHeld) {
    DeltaSinkConfig config = config();
    DeltaTable real = DeltaTable.open(config);
    DeltaTable held = new RacingTable(real, () -> {
      writing.countDown();
      whileHeld.run();
    });
    return new TableSink(config, ctx, held, "conn", task, new SinkMetrics(), clock::get);
  }

  static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(30, TimeUnit.SECONDS), "timed out");
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  TableReader reader() {
    return new TableReader(DeltaTable.qualify(dir.resolve("table").toString()));
  }

  @Test
  void theTaskKeepsBufferingWhileAFullBatchCommitsAndReportsItsOffsetsOnlyOnceDurable() {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    TableSink sink = heldSink(new FakeContext(false), 0, writing, () -> await(release));
    sink.open(List.of(P0));
    sink.put(events(0, 0, 10)); // a full batch: handed to the background
    await(writing);
    sink.put(events(0, 10, 15)); // returns while that commit is still held
    assertTrue(sink.preCommit(Map.of(P0, new OffsetAndMetadata(15))).isEmpty(),
        "nothing durable yet");

    release.countDown();
    sink.awaitInFlightCommit();
    assertEquals(10L, sink.preCommit(Map.of(P0, new OffsetAndMetadata(15))).get(P0).offset());
    sink.close(List.of(P0));
    assertEquals(expectedIds(events(0, 0, 15)), ids(reader().rows()));
    sink.stop();
  }

  @Test
  void atMostOneBatchIsInFlight() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    TableSink sink = heldSink(new FakeContext(false), 0, writing, () -> await(release));
    sink.open(List.of(P0));
    sink.put(events(0, 0, 10));
    await(writing);
    CompletableFuture<Void> second = new CompletableFuture<>();
    Thread putter = new Thread(() -> {
      sink.put(events(0, 10, 20));
      second.complete(null);
    });
    putter.start();
    // Not a sleep: wait until the putter is seen blocked on the first batch's commit.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!waitingForCommit(putter)) {
      assertTrue(System.nanoTime() < deadline, "the second put never waited for the first commit");
      Thread.onSpinWait();
    }
    assertFalse(second.isDone(), "the second full batch waits for the first commit");
    release.countDown();
    second.get(30, TimeUnit.SECONDS);
    sink.close(List.of(P0));
    assertEquals(expectedIds(events(0, 0, 20)), ids(reader().rows()));
    assertEquals(1, reader().snapshot().getVersion(), "two commits, in order");
    sink.stop();
  }

  static boolean waitingForCommit(Thread t) {
    Thread.State state = t.getState();
    return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
        && java.util.Arrays.stream(t.getStackTrace())
            .anyMatch(f -> f.getClassName().endsWith("AsyncCommitter") && f.getMethodName().equals("take"));
  }

  @Test
  void aBatchFencedInFlightDropsWhatWasBufferedSinceAndResumesAfterTheNewOwner() {
    FakeContext zombieCtx = new FakeContext(false);
    CountDownLatch writing = new CountDownLatch(1);
    // While the zombie's commit is held, the partition's new owner commits 0..11.
    TableSink owner = new TableSink(config(DeltaSinkConfig.FLUSH_SIZE, "1000"),
        new FakeContext(false), DeltaTable.open(config()), "conn", 1, new SinkMetrics(), clock::get);
    TableSink zombie = heldSink(zombieCtx, 0, writing, () -> {
      owner.open(List.of(P0));
      owner.put(events(0, 0, 12));
      owner.close(List.of(P0));
    });
    zombie.open(List.of(P0));
    zombie.put(events(0, 0, 10)); // handed over; its commit races the owner and is fenced
    await(writing);
    zombie.put(events(0, 10, 12)); // buffered meanwhile: dropped with the fenced batch
    zombie.awaitInFlightCommit();
    zombie.put(events(0, 12, 15)); // fetched before the rewind: ignored
    assertEquals(12L, zombieCtx.offsets.get(P0), "resumes after the owner's last offset");
    zombie.put(events(0, 12, 20));
    zombie.close(List.of(P0));
    assertEquals(expectedIds(events(0, 0, 20)), ids(reader().rows()));
    zombie.stop();
    owner.stop();
  }
}
