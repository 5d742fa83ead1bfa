package io.github.deltaconnect.sink.dedup;

import io.delta.kernel.Snapshot;
import io.github.deltaconnect.sink.storage.Durability;
import io.github.deltaconnect.sink.storage.TaskFileSystems;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys a table already holds, for {@code delta.idempotency.key}: segments of 128-bit key hashes
 * stored as files under the table ({@code _sink_keys/}, which Delta readers and VACUUM ignore) and
 * listed by one domain of the table's metadata ({@link IndexManifest}).
 *
 * <p>Correct with several writers because every commit that adds keys rewrites that one domain:
 * Delta's conflict checker lets only one of two concurrent commits that wrote the same domain win,
 * and the loser re-reads the table, checks its batch against the winner's keys too, and tries
 * again. The segments of the latest manifest are held in memory (16 bytes per key; each file is
 * read once per task), so checking a batch costs one ordered walk of its sorted keys per segment.
 *
 * <p>Bounded: segments whose newest record is older than the window (event time, measured from
 * the newest record the index has seen) are dropped; every {@value #FANOUT} segments of one level
 * are merged into one of the next level, so a window holds a few dozen segments; and past
 * {@code maxKeys} the oldest segments are forgotten early (logged and counted).
 *
 * <p>Used by one commit thread at a time; the counters may be read from any thread.
 */
public final class KeyIndex {
  private static final Logger LOG = LoggerFactory.getLogger(KeyIndex.class);
  static final String DIRECTORY = "_sink_keys";
  static final int FANOUT = 8;
  /**
   * Files no longer listed are removed once this old: far longer than any commit attempt that
   * might still list a file it read or wrote, so no attempt ever finds a listed file gone.
   */
  static final long SWEEP_RETENTION_MS = 60 * 60 * 1000L;
  /** Commits between two sweeps of the index directory (one listing each). */
  static final int SWEEP_EVERY = 20;

  private final String tableLocation;
  private final TaskFileSystems fileSystems;
  private final boolean sync;
  private final List<String> key;
  private final String domain;
  private final String directory;
  private final long windowMs;
  private final long maxKeys;
  /** The segments of {@link #current}, by file. */
  private Map<String, Segment> cache = new HashMap<>();
  private IndexManifest current;
  /** Segments of {@link #current} that {@link #held} probes (those still in the window). */
  private List<Segment> probeOrder = List.of();
  private int commitsSinceSweep;
  private volatile long keyCount;
  private volatile int segmentCount;
  private volatile long heapBytes;

  /** A change of the index, written but not yet committed. */
  public record Plan(IndexManifest manifest, Map<String, Segment> segments, List<String> written,
      int merged, long expiredKeys, long evictedKeys) {}

  /**
   * {@code windowMs} ≤ 0: keys are kept until {@code maxKeys} pushes them out. {@code property}
   * names the key setting in errors.
   */
  public KeyIndex(String tableLocation, TaskFileSystems fileSystems, List<String> key,
      long windowMs, long maxKeys) {
    this(tableLocation, fileSystems, key, domain(key), directoryName(key), windowMs, maxKeys);
  }

  /**
   * An index listed in {@code domain}, its files under {@code _sink_keys/<directory>} (e.g. the
   * deleted keys of upserts, whose segments carry each key's delete order).
   */
  public KeyIndex(String tableLocation, TaskFileSystems fileSystems, List<String> key,
      String domain, String directory, long windowMs, long maxKeys) {
    this.tableLocation = tableLocation.endsWith("/") ? tableLocation.substring(0,
        tableLocation.length() - 1) : tableLocation;
    this.fileSystems = fileSystems;
    this.sync = Durability.enabled(fileSystems.conf());
    this.key = List.copyOf(key);
    this.domain = domain;
    this.directory = DIRECTORY + "/" + directory;
    this.windowMs = windowMs;
    this.maxKeys = maxKeys;
    this.current = IndexManifest.empty(key);
  }

  /** The domain holding the index of {@code key}: one per key definition. */
  public static String domain(List<String> key) {
    return "kafka.idempotency." + String.join(",", key);
  }

  private static String directoryName(List<String> key) {
    KeyHasher h = new KeyHasher();
    h.hashBytes(String.join("\u0000", key).getBytes(StandardCharsets.UTF_8));
    return String.format("%016x", h.hi());
  }

  public String domain() {
    return domain;
  }

  /**
   * Makes the index the one {@code snapshot} holds, reading the segment files this task has not
   * read yet. Fails (the task cannot deduplicate) when a listed file is missing or damaged.
   */
  public IndexManifest sync(Optional<Snapshot> snapshot) {
    IndexManifest manifest = snapshot.flatMap(s -> s.getDomainMetadata(domain))
        .map(IndexManifest::decode).orElseGet(() -> IndexManifest.empty(key));
    if (manifest.equals(current)) {
      return current;
    }
    Map<String, Segment> next = new HashMap<>();
    for (IndexManifest.Entry e : manifest.segments()) {
      Segment s = cache.get(e.file());
      if (s == null) {
        s = read(e, snapshot.map(Snapshot::getVersion).orElse(-1L));
      }
      next.put(e.file(), s);
    }
    use(manifest, next);
    return manifest;
  }

  private void use(IndexManifest manifest, Map<String, Segment> segments) {
    current = manifest;
    cache = segments;
    List<Segment> order = new ArrayList<>();
    for (int i = manifest.segments().size() - 1; i >= 0; i--) {
      order.add(segments.get(manifest.segments().get(i).file()));
    }
    probeOrder = order;
    keyCount = manifest.keys();
    segmentCount = order.size();
    heapBytes = order.stream().mapToLong(Segment::bytes).sum();
  }

  /**
   * Leaves out of {@link #held} the segments that expire once records up to {@code newestTs}
   * join the index, so a key expires by one rule whether or not a commit has dropped its segment.
   */
  public void advanceTo(long newestTs) {
    if (windowMs <= 0) {
      return;
    }
    long newest = Math.max(newestTs, current.segments().stream()
        .mapToLong(IndexManifest.Entry::maxTs).max().orElse(Long.MIN_VALUE));
    List<Segment> order = new ArrayList<>();
    for (int i = current.segments().size() - 1; i >= 0; i--) {
      IndexManifest.Entry e = current.segments().get(i);
      if (e.maxTs() >= newest - windowMs) {
        order.add(cache.get(e.file()));
      }
    }
    probeOrder = order;
  }

  /**
   * The keys of {@code batch} the table holds (as of the last {@link #sync} and
   * {@link #advanceTo}): one ordered walk of the batch per segment.
   */
  public Segment held(Segment batch) {
    List<Segment> found = new ArrayList<>();
    for (Segment s : probeOrder) {
      Segment both = batch.intersect(s);
      if (both.size() > 0) {
        found.add(both);
      }
    }
    return found.size() == 1 ? found.get(0) : Segment.merge(found);
  }

  /** Writes the keys of a batch as a segment file; its entry goes into {@link #plan}. */
  public IndexManifest.Entry write(Segment keys) {
    String file = directory + "/" + UUID.randomUUID() + ".keys";
    writeFile(file, keys);
    return new IndexManifest.Entry(file, keys.size(), keys.minTs(), keys.maxTs(), 0);
  }

  /**
   * The index after adding {@code added} (written by {@link #write}) to the synced one: expired
   * segments dropped, full levels merged (their files written here), the oldest forgotten past
   * {@code maxKeys}.
   */
  public Plan plan(IndexManifest.Entry added, Segment addedKeys) {
    List<IndexManifest.Entry> entries = new ArrayList<>(current.segments());
    Map<String, Segment> segments = new HashMap<>(cache);
    entries.add(added);
    segments.put(added.file(), addedKeys);
    long expired = 0;
    if (windowMs > 0) {
      long newest = entries.stream().mapToLong(IndexManifest.Entry::maxTs).max().orElse(0);
      for (var it = entries.iterator(); it.hasNext(); ) {
        IndexManifest.Entry e = it.next();
        if (e != added && e.maxTs() < newest - windowMs) {
          it.remove();
          segments.remove(e.file());
          expired += e.keys();
        }
      }
    }
    List<String> written = new ArrayList<>();
    int merged = 0;
    try {
      for (int level = 0; ; level++) {
        final int l = level;
        List<IndexManifest.Entry> full = entries.stream().filter(e -> e.level() == l).toList();
        if (full.isEmpty() && entries.stream().noneMatch(e -> e.level() > l)) {
          break;
        }
        if (full.size() < FANOUT) {
          continue;
        }
        List<IndexManifest.Entry> group = full.subList(0, FANOUT);
        long span = group.stream().mapToLong(IndexManifest.Entry::maxTs).max().getAsLong()
            - group.stream().mapToLong(IndexManifest.Entry::minTs).min().getAsLong();
        if (windowMs > 0 && span > windowMs / 4) {
          continue; // a segment spanning much of the window would expire late as a whole
        }
        Segment union = Segment.merge(group.stream().map(e -> segments.get(e.file())).toList());
        String file = directory + "/" + UUID.randomUUID() + ".keys";
        writeFile(file, union);
        written.add(file);
        IndexManifest.Entry entry = new IndexManifest.Entry(file, union.size(), union.minTs(),
            union.maxTs(), level + 1);
        int at = entries.indexOf(group.get(0));
        entries.removeAll(group);
        group.forEach(e -> segments.remove(e.file()));
        entries.add(at, entry);
        segments.put(file, union);
        merged += group.size();
        level--; // the level may hold another full group
      }
    } catch (RuntimeException e) {
      delete(written);
      throw e;
    }
    long evicted = 0;
    long total = entries.stream().mapToLong(IndexManifest.Entry::keys).sum();
    while (total > maxKeys && entries.size() > 1) {
      IndexManifest.Entry oldest = entries.remove(0);
      segments.remove(oldest.file());
      total -= oldest.keys();
      evicted += oldest.keys();
    }
    if (evicted > 0) {
      LOG.warn("The idempotency index of {} on {} holds more than {} keys: the {} oldest keys are"
          + " forgotten before their window ends (a record repeating one of them would be written"
          + " again). Raise delta.idempotency.max.keys (16 bytes of heap per key) or shorten"
          + " delta.idempotency.window.ms.", tableLocation, key, maxKeys, evicted);
    }
    return new Plan(new IndexManifest(key, entries, current.evictedKeys() + evicted), segments,
        List.copyOf(written), merged, expired, evicted);
  }

  /** The plan is in the table: it becomes the index. */
  public void committed(Plan plan) {
    use(plan.manifest(), plan.segments());
    commitsSinceSweep++;
  }

  /** Whether enough commits passed for another {@link #sweep}. */
  public boolean sweepDue() {
    return commitsSinceSweep >= SWEEP_EVERY;
  }

  /**
   * Removes this index's files that {@code latest} (the table's newest snapshot, just read) does
   * not list and that are older than {@value #SWEEP_RETENTION_MS} ms: segments replaced by merges
   * or expired, and those of refused or crashed attempts. Without it the directory grows by a
   * segment per commit. Returns how many files were removed; failures are logged, not thrown.
   */
  public int sweep(Optional<Snapshot> latest, long nowMs) {
    commitsSinceSweep = 0;
    java.util.Set<String> listed = new java.util.HashSet<>();
    latest.flatMap(s -> s.getDomainMetadata(domain)).map(IndexManifest::decode)
        .ifPresent(m -> m.segments().forEach(e -> listed.add(e.file())));
    Path dir = new Path(tableLocation + "/" + directory);
    int removed = 0;
    try {
      FileSystem fs = fileSystems.get(dir);
      if (!fs.exists(dir)) {
        return 0;
      }
      for (org.apache.hadoop.fs.FileStatus status : fs.listStatus(dir)) {
        String file = directory + "/" + status.getPath().getName();
        if (status.isFile() && file.endsWith(".keys") && !listed.contains(file)
            && status.getModificationTime() < nowMs - SWEEP_RETENTION_MS) {
          fs.delete(status.getPath(), false);
          removed++;
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not remove unlisted idempotency index files under {} (they stay; the next"
          + " sweep tries again)", dir, e);
    }
    if (removed > 0) {
      LOG.info("Removed {} idempotency index files under {} that no longer hold live keys", removed,
          dir);
    }
    return removed;
  }

  /** Removes files written for a plan or segment that no table version references (best effort). */
  public void delete(List<String> files) {
    for (String file : files) {
      Path path = new Path(tableLocation + "/" + file);
      try {
        fileSystems.get(path).delete(path, false);
      } catch (IOException | RuntimeException e) {
        LOG.warn("Could not delete uncommitted idempotency index file {}", path, e);
      }
    }
  }

  /** The full location of an index file listed relative to the table. */
  public String location(String file) {
    return tableLocation + "/" + file;
  }

  public long keys() {
    return keyCount;
  }

  /** Keys forgotten before their window ended, because the index reached its maximum size. */
  public long evictedKeys() {
    return current.evictedKeys();
  }

  public int segments() {
    return segmentCount;
  }

  public long heapBytes() {
    return heapBytes;
  }

  private void writeFile(String file, Segment segment) {
    Path path = new Path(tableLocation + "/" + file);
    try {
      FileSystem fs = fileSystems.get(path);
      boolean local = sync && Durability.isLocal(fs);
      List<java.nio.file.Path> created = local
          ? Durability.missingDirectories(fs, path.getParent()) : List.of();
      try (FSDataOutputStream out = fs.create(path, false)) {
        segment.writeTo(out);
        if (sync && out.hasCapability(StreamCapabilities.HSYNC)) {
          out.hsync(); // on disk before a commit references it
        }
      }
      if (local) {
        Durability.syncWritten(fs, path.getParent(), created);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing idempotency index file " + path + " failed: " + e, e);
    }
  }

  private Segment read(IndexManifest.Entry entry, long version) {
    Path path = new Path(tableLocation + "/" + entry.file());
    try (InputStream in = fileSystems.get(path).open(path)) {
      Segment s = Segment.readFrom(in, path.toString());
      if (s.size() != entry.keys()) {
        throw new IOException("idempotency key segment " + path + " holds " + s.size()
            + " keys; the table lists " + entry.keys());
      }
      return s;
    } catch (IOException e) {
      throw new ConnectException("The idempotency index of " + tableLocation + " (table version "
          + version + ", domain " + domain + ") lists " + entry.file() + ", which cannot be read: "
          + e.getMessage() + ". Without it duplicates cannot be told apart; nothing was written."
          + " Restore the file from a backup of the table to go on.",
          e);
    }
  }
}
