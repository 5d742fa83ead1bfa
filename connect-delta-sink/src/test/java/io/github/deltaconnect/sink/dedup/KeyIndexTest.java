package io.github.deltaconnect.sink.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.storage.TaskFileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index's bookkeeping without a table: plans applied as if each committed. */
class KeyIndexTest {
  private static final long HOUR = 3_600_000L;

  @TempDir
  Path dir;
  private final TaskFileSystems fileSystems = new TaskFileSystems(new Configuration());

  @AfterEach
  void close() {
    fileSystems.close();
  }

  private KeyIndex index(long windowMs, long maxKeys) {
    return new KeyIndex(dir.toUri().toString(), fileSystems, List.of("event_id"), windowMs,
        maxKeys);
  }

  /** Adds a batch of {@code n} keys stamped {@code ts}, as a commit would. */
  private static KeyIndex.Plan add(KeyIndex index, Random r, int n, long ts) {
    Segment keys = SegmentTest.random(r, n, ts, ts);
    KeyIndex.Plan plan = index.plan(index.write(keys), keys);
    index.committed(plan);
    return plan;
  }

  /** Whether the index holds the key, asked as a commit asks: a batch of one key. */
  private static boolean holds(KeyIndex index, long hi, long lo) {
    return index.held(Segment.of(new long[] {hi}, new long[] {lo}, 1, 0, 0)).size() == 1;
  }

  private long keyFiles() throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".keys")).count();
    }
  }

  @Test
  void everyFanoutSegmentsOfALevelMergeIntoOneOfTheNext() throws Exception {
    KeyIndex index = index(0, 10_000_000);
    Random r = new Random(1);
    for (int i = 0; i < KeyIndex.FANOUT * KeyIndex.FANOUT; i++) {
      add(index, r, 10, i);
    }
    // 64 batches: 8 level-1 merges, then one level-2 merge of those.
    assertEquals(1, index.segments());
    assertEquals(640, index.keys());
    assertEquals(640 * 16 + 64, index.heapBytes());
    Random again = new Random(1);
    for (int i = 0; i < 640; i++) {
      assertTrue(holds(index, again.nextLong(), again.nextLong()), "key " + i);
    }
    assertFalse(holds(index, r.nextLong(), r.nextLong()));
    // Files replaced by merges stay until a cleaner proves no version lists them.
    assertEquals(64 + 8 + 1, keyFiles());
  }

  @Test
  void segmentsOlderThanTheWindowAreDropped() {
    KeyIndex index = index(24 * HOUR, 10_000_000);
    Random r = new Random(2);
    Segment old = SegmentTest.random(new Random(99), 5, 0, 0);
    index.committed(index.plan(index.write(old), old));
    add(index, r, 5, 23 * HOUR);
    assertEquals(10, index.keys());
    KeyIndex.Plan plan = add(index, r, 5, 25 * HOUR); // the first batch is now > 24 h behind
    assertEquals(5, plan.expiredKeys());
    assertEquals(10, index.keys());
    Random first = new Random(99);
    assertFalse(holds(index, first.nextLong(), first.nextLong()));
  }

  @Test
  void segmentsSpanningMuchOfTheWindowAreNotMerged() {
    // A merged segment expires only when its newest key does: merging old with new keys would
    // keep the old ones long past the window.
    KeyIndex index = index(8 * HOUR, 10_000_000);
    Random r = new Random(3);
    for (int i = 0; i < KeyIndex.FANOUT; i++) {
      add(index, r, 3, i * HOUR);
    }
    assertEquals(KeyIndex.FANOUT, index.segments(), "7 h span > window/4: not merged");
    KeyIndex close = index(80 * HOUR, 10_000_000);
    for (int i = 0; i < KeyIndex.FANOUT; i++) {
      add(close, r, 3, i * HOUR);
    }
    assertEquals(1, close.segments(), "7 h span <= 20 h: merged");
  }

  @Test
  void pastMaxKeysTheOldestSegmentsAreForgottenAndCounted() {
    KeyIndex index = index(0, 1000);
    Random r = new Random(4);
    add(index, r, 400, 1);
    add(index, r, 400, 2);
    KeyIndex.Plan plan = add(index, r, 400, 3);
    assertEquals(400, plan.evictedKeys());
    assertEquals(800, index.keys());
    assertEquals(400, index.evictedKeys());
  }

  @Test
  void aSweepRemovesOnlyUnlistedFilesOlderThanTheRetention() throws Exception {
    KeyIndex index = index(0, 10_000_000);
    Random r = new Random(8);
    for (int i = 0; i < KeyIndex.FANOUT; i++) {
      add(index, r, 10, i); // the eighth merges all eight into one level-1 file
    }
    Segment refused = SegmentTest.random(r, 10, 9, 9);
    index.write(refused); // an attempt that never committed
    assertEquals(KeyIndex.FANOUT + 2, keyFiles());
    long now = System.currentTimeMillis();
    assertEquals(0, index.sweep(Optional.empty(), now), "all younger than the retention");

    List<Path> files;
    try (Stream<Path> all = Files.walk(dir)) {
      files = all.filter(p -> p.toString().endsWith(".keys")).toList();
    }
    for (Path f : files) {
      Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(
          now - KeyIndex.SWEEP_RETENTION_MS - 1000));
    }
    String listed = index.plan(index.write(refused), refused).manifest().segments().get(0).file();
    // The snapshot the sweep reads lists the level-1 file (and nothing else this test wrote).
    io.delta.kernel.Snapshot snapshot = (io.delta.kernel.Snapshot) java.lang.reflect.Proxy
        .newProxyInstance(getClass().getClassLoader(), new Class<?>[] {io.delta.kernel.Snapshot.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getDomainMetadata")) {
                return Optional.of(new IndexManifest(List.of("event_id"), List.of(
                    new IndexManifest.Entry(listed, 80, 0, 7, 1)), 0).encode());
              }
              throw new UnsupportedOperationException(method.getName());
            });
    assertEquals(KeyIndex.FANOUT + 1, index.sweep(Optional.of(snapshot), now),
        "the eight merged level-0 files and the refused one");
    try (Stream<Path> all = Files.walk(dir)) {
      List<String> left = all.filter(p -> p.toString().endsWith(".keys"))
          .map(p -> dir.relativize(p).toString()).sorted().toList();
      assertEquals(2, left.size(), "the listed file and the young one: " + left);
      assertTrue(left.contains(listed), left + " holds " + listed);
    }
  }

  @Test
  void aPlanNotCommittedLeavesTheIndexAsItWas() {
    KeyIndex index = index(0, 10_000_000);
    Random r = new Random(5);
    add(index, r, 10, 1);
    Segment keys = SegmentTest.random(new Random(6), 10, 2, 2);
    index.plan(index.write(keys), keys); // refused commit: never committed(plan)
    assertEquals(10, index.keys());
    Random six = new Random(6);
    assertFalse(holds(index, six.nextLong(), six.nextLong()));
  }
}
