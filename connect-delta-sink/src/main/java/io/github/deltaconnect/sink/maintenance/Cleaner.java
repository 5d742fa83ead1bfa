package io.github.deltaconnect.sink.maintenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.kernel.Snapshot;
import io.delta.kernel.data.Row;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.write.TableFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and deletes the data files of a table that its latest version does not reference, once
 * they are older than a retention: files removed by a version (rewritten by upserts or
 * compaction: aged from the removal's timestamp in the log, so time travel within the retention
 * keeps working) and files no version ever added (batches whose commit was refused or crashed:
 * aged from their modification time, so a batch being written now is never touched). Like
 * VACUUM, but it only ever considers {@code .parquet} data files outside the table's hidden
 * directories ({@code _delta_log}, {@code _sink_keys}, anything starting with {@code _} or
 * {@code .}); deletion-vector files and the idempotency index are never its business.
 */
public final class Cleaner {
  private static final Logger LOG = LoggerFactory.getLogger(Cleaner.class);
  /** Below this, a file being written by a live task could look orphaned. */
  public static final long MIN_RETENTION_MS = 60 * 60 * 1000L;

  /** A file the cleaner would delete, and why. */
  public record Found(String path, long bytes, long ageMs, String reason) {}

  private final DeltaTable table;

  public Cleaner(DeltaTable table) {
    this.table = table;
  }

  /** The files to delete at {@code nowMs} with {@code retentionMs}; nothing is deleted. */
  public List<Found> find(long retentionMs, long nowMs) {
    if (retentionMs < MIN_RETENTION_MS) {
      throw new IllegalArgumentException("retention " + retentionMs + " ms is below the minimum of "
          + MIN_RETENTION_MS + " ms: files of batches being written could be deleted");
    }
    Snapshot snapshot = table.latest().orElseThrow(
        () -> new IllegalStateException("no Delta table at " + table.location()));
    Set<String> active = new HashSet<>();
    for (Row file : TableFiles.list(table.engine(), snapshot.getScanBuilder().build())) {
      active.add(key(new Path(InternalScanFileUtils.getAddFileStatus(file).getPath())));
    }
    Path root = new Path(table.location());
    Map<String, Long> removedAt = removals(root);
    List<Found> out = new ArrayList<>();
    try {
      FileSystem fs = table.fileSystems().get(root);
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
      while (files.hasNext()) {
        FileStatus f = files.next();
        Path path = f.getPath();
        String name = path.getName();
        if (!name.endsWith(".parquet") || hidden(root, path) || active.contains(key(path))) {
          continue;
        }
        Long removed = removedAt.get(key(path));
        long since = removed != null ? removed : f.getModificationTime();
        long age = nowMs - since;
        if (age >= retentionMs) {
          out.add(new Found(path.toString(), f.getLen(), age, removed != null
              ? "removed from the table " + (age / 60_000) + " min ago"
              : "never committed, written " + (age / 60_000) + " min ago"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + table.location() + " failed", e);
    }
    return out;
  }

  /** Deletes what {@link #find} found; returns how many files went. */
  public int delete(List<Found> found) {
    int deleted = 0;
    for (Found f : found) {
      Path path = new Path(f.path());
      try {
        if (table.fileSystems().get(path).delete(path, false)) {
          deleted++;
        }
      } catch (IOException e) {
        LOG.warn("Could not delete {}: {}", f.path(), e.toString());
      }
    }
    LOG.info("Deleted {} of {} unreferenced data files of {}", deleted, found.size(),
        table.location());
    return deleted;
  }

  /** Under a directory or named like Delta's hidden files (relative to the table root). */
  private static boolean hidden(Path root, Path path) {
    String rel = path.toUri().getPath().substring(root.toUri().getPath().length());
    for (String part : rel.split("/")) {
      if (part.startsWith("_") || part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** Path without scheme and authority differences: how files are compared. */
  private static String key(Path path) {
    return path.toUri().getPath();
  }

  /** When each file removed by a commit still in the log was removed (latest removal wins). */
  private Map<String, Long> removals(Path root) {
    Map<String, Long> out = new HashMap<>();
    Path log = new Path(root, "_delta_log");
    ObjectMapper json = new ObjectMapper();
    try {
      FileSystem fs = table.fileSystems().get(log);
      for (FileStatus commit : fs.listStatus(log)) {
        if (!commit.getPath().getName().matches("\\d{20}\\.json")) {
          continue;
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
            fs.open(commit.getPath()), StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            JsonNode remove = json.readTree(line).path("remove");
            if (remove.isMissingNode()) {
              continue;
            }
            String p = remove.path("path").asText();
            URI uri = URI.create(p);
            Path file = uri.isAbsolute() ? new Path(uri) : new Path(root, new Path(uri));
            long ts = remove.path("deletionTimestamp").asLong(commit.getModificationTime());
            out.merge(key(file), ts, Math::max);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the log of " + table.location() + " failed", e);
    }
    return out;
  }
}
