package io.github.deltaconnect.sink.storage;

import io.delta.storage.HadoopFileSystemLogStore;
import java.io.IOException;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A Delta log store for S3 that creates each commit file with an S3 conditional write
 * ({@code If-None-Match: *}, {@link LogFiles#conditionalS3}), for Kernel engines made from a Hadoop
 * configuration (readers, tools); the sink's own engine writes through {@link TaskFileIO} with the
 * same code. delta-storage's {@code S3SingleDriverLogStore} only locks inside one JVM: two Connect
 * workers committing to one table could overwrite each other's commit file and lose a batch.
 */
public class ConditionalS3LogStore extends HadoopFileSystemLogStore {

  public ConditionalS3LogStore(Configuration hadoopConf) {
    super(hadoopConf);
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf)
      throws IOException {
    LogFiles.conditionalS3(path.getFileSystem(hadoopConf), path, actions, overwrite);
  }

  @Override
  public Boolean isPartialWriteVisible(Path path, Configuration hadoopConf) {
    return false; // a PUT is all or nothing
  }
}
