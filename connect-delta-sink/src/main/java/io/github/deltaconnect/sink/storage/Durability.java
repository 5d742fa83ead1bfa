package io.github.deltaconnect.sink.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** fsync for local files and directories, so what a commit references survives a power loss. */
public final class Durability {
  /** Hadoop setting (from {@code delta.storage.sync}) that turns syncing on; on by default. */
  public static final String SYNC = "deltaconnect.storage.sync";

  private Durability() {}

  /** Whether files written with this filesystem's configuration are synced. */
  public static boolean enabled(org.apache.hadoop.conf.Configuration conf) {
    return conf.getBoolean(SYNC, true);
  }

  /**
   * Syncs a directory, making the names created in it durable (a file's own fsync does not cover
   * its directory entry). Where the OS cannot open a directory for syncing (Windows), nothing.
   */
  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException e) {
      // not supported here: the directory entry is as durable as the OS makes it
    }
  }

  /** Syncs a file that is already written and closed. */
  public static void syncFile(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  /** Whether {@code fs} is the local filesystem (where directories must be synced by hand). */
  public static boolean isLocal(org.apache.hadoop.fs.FileSystem fs) {
    return "file".equals(fs.getUri().getScheme());
  }

  public static Path localPath(org.apache.hadoop.fs.FileSystem fs, org.apache.hadoop.fs.Path path) {
    return java.nio.file.Paths.get(fs.makeQualified(path).toUri());
  }

  /**
   * After files were written into {@code dir}: syncs {@code dir} (their names) and the parent of
   * each directory in {@code created} (from {@link #missingDirectories} before the writes), so a
   * power loss keeps the whole path to the files.
   */
  public static void syncWritten(org.apache.hadoop.fs.FileSystem fs, org.apache.hadoop.fs.Path dir,
      java.util.List<Path> created) throws IOException {
    syncDirectory(localPath(fs, dir));
    for (Path d : created) {
      syncDirectory(d.getParent());
    }
  }

  /** {@code dir} and its ancestors that do not exist yet, deepest first. */
  public static java.util.List<Path> missingDirectories(org.apache.hadoop.fs.FileSystem fs,
      org.apache.hadoop.fs.Path dir) {
    java.util.List<Path> missing = new java.util.ArrayList<>();
    for (Path d = localPath(fs, dir); d != null && !java.nio.file.Files.exists(d); d = d.getParent()) {
      missing.add(d);
    }
    return missing;
  }
}
