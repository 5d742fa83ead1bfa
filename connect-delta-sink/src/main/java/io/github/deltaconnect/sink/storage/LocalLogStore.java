package io.github.deltaconnect.sink.storage;

import io.delta.storage.HadoopFileSystemLogStore;
import java.io.IOException;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A Delta log store for local filesystems whose put-if-absent is atomic, for Kernel engines made
 * from a Hadoop configuration (readers, tools); the sink's own engine writes through
 * {@link TaskFileIO} with the same code. Kernel's default for {@code file:} (delta-storage's
 * {@code HDFSLogStore}) checks that the commit file is absent and then renames over it: two tasks
 * racing for the same version both pass the check, and the second rename silently replaces the
 * first commit. Here the commit is published with a hard link, which the OS refuses atomically
 * when the name exists ({@link LogFiles#local}).
 */
public class LocalLogStore extends HadoopFileSystemLogStore {

  public LocalLogStore(Configuration hadoopConf) {
    super(hadoopConf);
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf)
      throws IOException {
    LogFiles.local(path.getFileSystem(hadoopConf), path, actions, overwrite);
  }

  @Override
  public Boolean isPartialWriteVisible(Path path, Configuration hadoopConf) {
    return false; // a commit appears whole, by link or atomic move
  }
}
