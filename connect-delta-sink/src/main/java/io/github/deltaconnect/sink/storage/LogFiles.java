package io.github.deltaconnect.sink.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSDataOutputStreamBuilder;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.AWSBadRequestException;
import org.apache.hadoop.fs.s3a.RemoteFileChangedException;

/** The put-if-absent writes behind {@link LogWriter#standard()}, one per kind of store. */
final class LogFiles {
  /** Hadoop's builder option for a conditional create (S3A: If-None-Match on the PUT). */
  static final String CONDITIONAL_OVERWRITE = "fs.option.create.conditional.overwrite";
  private static final int CONFLICT = 409;

  private LogFiles() {}

  /**
   * Local filesystems: the file is written and synced under a temporary name, then published with
   * a hard link, which the OS refuses atomically when the name exists; the directory is synced so
   * the new name survives a power loss too.
   */
  static void local(FileSystem fs, Path path, Iterator<String> lines, boolean overwrite)
      throws IOException {
    java.nio.file.Path target = Paths.get(fs.makeQualified(path).toUri());
    java.nio.file.Path dir = target.getParent();
    Files.createDirectories(dir);
    java.nio.file.Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    boolean sync = Durability.enabled(fs.getConf());
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE);
          OutputStream out = Channels.newOutputStream(channel)) {
        writeLines(out, lines);
        out.flush();
        if (sync) {
          channel.force(true); // the commit must survive a crash once it is visible
        }
      }
      if (overwrite) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } else {
        try {
          Files.createLink(target, temp); // fails with EEXIST if another writer has this version
        } catch (UnsupportedOperationException e) {
          throw new IOException("The filesystem under " + dir + " does not support hard links,"
              + " which the Delta sink needs to create commit files atomically", e);
        }
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    if (sync) {
      Durability.syncDirectory(dir);
    }
  }

  /**
   * S3: a conditional PUT ({@code If-None-Match: *}), so of two writers racing for a version exactly
   * one wins, whichever JVM they run in (S3A's plain create(file, false) checks, then PUTs).
   */
  static void conditionalS3(FileSystem fs, Path path, Iterator<String> lines, boolean overwrite)
      throws IOException {
    Path file = fs.makeQualified(path);
    if (overwrite) {
      try (FSDataOutputStream out = fs.create(file, true)) {
        writeLines(out, lines);
      }
      return;
    }
    FSDataOutputStreamBuilder<?, ?> builder = fs.createFile(file);
    builder.overwrite(false);
    builder.must(CONDITIONAL_OVERWRITE, true);
    FSDataOutputStream out;
    try {
      out = builder.build();
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      throw alreadyExists(file, e);
    }
    try {
      writeLines(out, lines);
      out.close(); // the PUT, and the precondition check, happen here
    } catch (RemoteFileChangedException | org.apache.hadoop.fs.FileAlreadyExistsException e) {
      throw alreadyExists(file, e); // 412 Precondition Failed: another writer has this version
    } catch (AWSBadRequestException e) {
      if (e.statusCode() == CONFLICT) {
        // 409 ConditionalRequestConflict: a concurrent conditional write to the same key.
        throw alreadyExists(file, e);
      }
      throw e;
    } finally {
      closeQuietly(out);
    }
  }

  /**
   * Stores whose rename refuses an existing destination atomically (HDFS, ABFS with a
   * hierarchical namespace): write a temporary file, rename it into place. Google Cloud Storage's
   * connector instead makes create(file, false) conditional on the object's absence.
   */
  static void renameIfAbsent(FileSystem fs, Path path, Iterator<String> lines, boolean overwrite)
      throws IOException {
    Path file = fs.makeQualified(path);
    if (file.toUri().getScheme().equalsIgnoreCase("gs")) {
      try (FSDataOutputStream out = fs.create(file, overwrite)) {
        writeLines(out, lines);
      } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
        throw alreadyExists(file, e);
      }
      return;
    }
    Path temp = new Path(file.getParent(), "." + file.getName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (FSDataOutputStream out = fs.create(temp, false)) {
        writeLines(out, lines);
        if (Durability.enabled(fs.getConf())) {
          out.hsync();
        }
      }
      if (overwrite) {
        fs.delete(file, false);
      }
      if (!fs.rename(temp, file)) {
        if (fs.exists(file)) {
          throw new FileAlreadyExistsException(file.toString());
        }
        throw new IOException("could not rename " + temp + " to " + file);
      }
    } finally {
      if (fs.exists(temp)) {
        fs.delete(temp, false);
      }
    }
  }

  private static FileAlreadyExistsException alreadyExists(Path file, Exception cause) {
    FileAlreadyExistsException e = new FileAlreadyExistsException(file.toString());
    e.initCause(cause);
    return e;
  }

  private static void writeLines(OutputStream out, Iterator<String> lines) throws IOException {
    while (lines.hasNext()) {
      out.write((lines.next() + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void closeQuietly(FSDataOutputStream out) {
    try {
      out.close();
    } catch (IOException ignored) {
      // already closed, or the failure above is the one that matters
    }
  }
}
