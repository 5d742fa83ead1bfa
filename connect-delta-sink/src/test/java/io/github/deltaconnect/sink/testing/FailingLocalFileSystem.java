package io.github.deltaconnect.sink.testing;

import io.github.deltaconnect.sink.storage.LocalFileSystem;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The sink's local filesystem, failing the files created under {@link #UNDER}: {@code denied}
 * refuses to create them (a read-only directory; tests run as root, so chmod would not do), and
 * {@code full} fails the write after 1 KiB (no space left on the device). Set through the
 * connector's {@code hadoop.*} settings, so the task's own filesystem instance is this one.
 */
public class FailingLocalFileSystem extends LocalFileSystem {
  public static final String UNDER = "test.fail.under";
  public static final String KIND = "test.fail.kind";

  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite,
      int bufferSize, short replication, long blockSize, Progressable progress)
      throws IOException {
    String under = getConf().get(UNDER, "");
    if (under.isEmpty() || !pathToFile(f).getAbsolutePath().startsWith(under)) {
      return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    }
    if (getConf().get(KIND, "denied").equals("denied")) {
      throw new AccessDeniedException(f.toString(), null, "Permission denied");
    }
    FSDataOutputStream real =
        super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    return new FSDataOutputStream(new OutputStream() {
      long written;

      @Override
      public void write(int b) throws IOException {
        if (++written > 1024) {
          throw new IOException("No space left on device");
        }
        real.write(b);
      }

      @Override
      public void close() throws IOException {
        real.close();
      }
    }, null);
  }
}
