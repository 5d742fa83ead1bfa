package io.github.deltaconnect.sink.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.delta.storage.LogStore;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalLogStoreTest {
  static final int WRITERS = 6;
  static final int VERSIONS = 40;

  @TempDir
  Path dir;

  static Configuration conf() {
    Configuration conf = new Configuration();
    LocalFileSystem.install(conf);
    return conf;
  }

  @Test
  void ofWritersRacingForOneVersionExactlyOneWinsAndTheFileHoldsItsWholeCommit() throws Exception {
    Configuration conf = conf();
    CyclicBarrier start = new CyclicBarrier(WRITERS);
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    try {
      List<Future<List<Integer>>> wins = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        // One store per writer, as Kernel creates one per call: no lock can be shared.
        wins.add(pool.submit(() -> {
          List<Integer> won = new ArrayList<>();
          for (int v = 0; v < VERSIONS; v++) {
            start.await();
            try {
              new LocalLogStore(conf).write(commitPath(v), lines(writer), false, conf);
              won.add(v);
            } catch (FileAlreadyExistsException lost) {
              // another writer has this version
            }
          }
          return won;
        }));
      }
      int[] winners = new int[VERSIONS];
      for (int w = 0; w < WRITERS; w++) {
        for (int v : wins.get(w).get()) {
          winners[v]++;
          assertEquals(List.of("writer " + w + " a", "writer " + w + " b"),
              Files.readAllLines(dir.resolve(name(v))), "version " + v + " is the winner's");
        }
      }
      for (int v = 0; v < VERSIONS; v++) {
        assertEquals(1, winners[v], "writers that won version " + v);
      }
      try (Stream<Path> left = Files.list(dir)) {
        assertEquals(VERSIONS, left.count(), "no temporary files left behind");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anOverwriteReplacesTheFileAndAPutIfAbsentOnAnExistingOneFails() throws Exception {
    Configuration conf = conf();
    LogStore store = new LocalLogStore(conf);
    store.write(commitPath(0), lines(1), false, conf);
    assertThrows(FileAlreadyExistsException.class,
        () -> store.write(commitPath(0), lines(2), false, conf));
    store.write(commitPath(0), lines(3), true, conf);
    assertEquals(List.of("writer 3 a", "writer 3 b"), Files.readAllLines(dir.resolve(name(0))));
  }

  org.apache.hadoop.fs.Path commitPath(int version) {
    return new org.apache.hadoop.fs.Path(dir.resolve(name(version)).toUri());
  }

  static String name(int version) {
    return String.format("%020d.json", version);
  }

  static Iterator<String> lines(int writer) {
    return List.of("writer " + writer + " a", "writer " + writer + " b").iterator();
  }
}
