package io.github.deltaconnect.sink.storage;

import io.delta.storage.HadoopFileSystemLogStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A Delta log store for local filesystems whose put-if-absent is atomic. Kernel's default for
 * {@code file:} (delta-storage's {@code HDFSLogStore}) checks that the commit file is absent and
 * then renames over it: two tasks racing for the same version both pass the check, and the second
 * rename silently replaces the first commit (its files and offsets are lost). Here each commit is
 * written to a temporary file and published with a hard link, which the OS refuses atomically when
 * the name exists, so exactly one writer gets each version and the others get
 * {@link FileAlreadyExistsException}, which Kernel turns into its conflict check and a retry.
 */
public class LocalLogStore extends HadoopFileSystemLogStore {

  public LocalLogStore(Configuration hadoopConf) {
    super(hadoopConf);
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf)
      throws IOException {
    java.nio.file.Path target = Paths.get(path.getFileSystem(hadoopConf).makeQualified(path).toUri());
    java.nio.file.Path dir = target.getParent();
    Files.createDirectories(dir);
    java.nio.file.Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE);
          OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
        while (actions.hasNext()) {
          out.write((actions.next() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
        channel.force(true); // the commit must survive a crash once it is visible
      }
      if (overwrite) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
        return;
      }
      try {
        Files.createLink(target, temp); // fails with EEXIST if another writer has this version
      } catch (UnsupportedOperationException e) {
        throw new IOException("The filesystem under " + dir + " does not support hard links, which"
            + " the Delta sink needs to create commit files atomically", e);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public Boolean isPartialWriteVisible(Path path, Configuration hadoopConf) {
    return false; // a commit appears whole, by link or atomic move
  }
}
