package io.github.deltaconnect.sink.storage;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local filesystem without its process forks. Without the native Hadoop library (as on a
 * plain Connect worker) Hadoop runs {@code chmod} and {@code readlink} as child processes for every
 * file it creates: hundreds per commit, the larger part of a small commit's latency. This sets
 * permissions through java.nio instead, treats links as files, and skips Hadoop's {@code .crc} side
 * files (Parquet and the Delta log carry their own checksums). It stays a
 * {@link org.apache.hadoop.fs.LocalFileSystem}, which Hadoop code casts to (S3A's upload buffers).
 */
public class LocalFileSystem extends org.apache.hadoop.fs.LocalFileSystem {

  private static final PosixFilePermission[] BITS = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ};

  public LocalFileSystem() {
    super(new Raw());
    setWriteChecksum(false);
    setVerifyChecksum(false);
  }

  /**
   * Points Hadoop's FileSystem and FileContext at this class, and Kernel's log store for
   * {@code file:} at {@link LocalLogStore} (the default one can lose a commit to a racing writer).
   */
  public static void install(Configuration conf) {
    conf.set("fs.file.impl", LocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    conf.set("fs.AbstractFileSystem.file.impl", Context.class.getName());
    conf.set("io.delta.kernel.logStore.file.impl", LocalLogStore.class.getName());
  }

  /** The raw filesystem underneath, with the forks replaced. */
  public static class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      short mode = permission.toShort();
      Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
      for (int i = 0; i < BITS.length; i++) {
        if ((mode & (1 << i)) != 0) {
          perms.add(BITS[i]);
        }
      }
      try {
        Files.setPosixFilePermissions(pathToFile(p).toPath(), perms);
      } catch (UnsupportedOperationException e) {
        // Not a POSIX filesystem: permissions are whatever the OS gives.
      }
    }

    @Override
    public FileStatus getFileLinkStatus(Path f) throws IOException {
      return getFileStatus(f);
    }

    @Override
    public boolean supportsSymlinks() {
      return false;
    }
  }

  /** The FileContext binding of the same filesystem. */
  public static class Context extends DelegateToFileSystem {
    public Context(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(uri, new Raw(), conf, "file", false);
    }

    @Override
    public int getUriDefaultPort() {
      return -1;
    }

    @Override
    public boolean isValidName(String src) {
      return true;
    }
    // Link status and symlink support are delegated to Raw, which already answers them without forks.
  }
}
