package io.github.deltaconnect.sink.storage;

import io.delta.storage.HadoopFileSystemLogStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSDataOutputStreamBuilder;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.AWSBadRequestException;
import org.apache.hadoop.fs.s3a.RemoteFileChangedException;

/**
 * A Delta log store for S3 that creates each commit file with an S3 conditional write
 * ({@code If-None-Match: *}), so of two writers racing for the same table version exactly one wins,
 * whichever JVM or worker they run in. delta-storage's {@code S3SingleDriverLogStore} only locks
 * inside one JVM: two Connect workers committing to one table could overwrite each other's commit
 * file and silently lose a batch.
 *
 * <p>Kernel turns the loser's {@link FileAlreadyExistsException} into a retry on the next version,
 * with its conflict checks (and so the sink's offset fencing) applied again.
 */
public class ConditionalS3LogStore extends HadoopFileSystemLogStore {
  /** Hadoop's builder option for a conditional create (S3A: If-None-Match on the PUT). */
  static final String CONDITIONAL_OVERWRITE = "fs.option.create.conditional.overwrite";
  private static final int CONFLICT = 409;

  public ConditionalS3LogStore(Configuration hadoopConf) {
    super(hadoopConf);
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf)
      throws IOException {
    FileSystem fs = path.getFileSystem(hadoopConf);
    Path file = fs.makeQualified(path);
    if (overwrite) {
      try (FSDataOutputStream out = fs.create(file, true)) {
        writeLines(out, actions);
      }
      return;
    }
    // A plain create(file, false) is not conditional in S3A (it checks, then PUTs at close).
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
      writeLines(out, actions);
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

  @Override
  public Boolean isPartialWriteVisible(Path path, Configuration hadoopConf) {
    return false; // a PUT is all or nothing
  }

  private static FileAlreadyExistsException alreadyExists(Path file, Exception cause) {
    FileAlreadyExistsException e = new FileAlreadyExistsException(file.toString());
    e.initCause(cause);
    return e;
  }

  private static void writeLines(FSDataOutputStream out, Iterator<String> actions)
      throws IOException {
    while (actions.hasNext()) {
      out.write((actions.next() + "\n").getBytes(StandardCharsets.UTF_8));
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
