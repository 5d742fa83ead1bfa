package io.github.deltaconnect.sink.storage;

import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a Delta log file so that it appears whole, and, unless {@code overwrite}, only if no file
 * of that name exists: of two writers racing for a table version exactly one wins, and the other
 * gets {@link java.nio.file.FileAlreadyExistsException} (Kernel turns it into a conflict check and
 * a retry on the next version).
 */
@FunctionalInterface
public interface LogWriter {
  void write(FileSystem fs, Path path, Iterator<String> lines, boolean overwrite) throws IOException;

  /** The put-if-absent each store supports natively, chosen by the path's scheme. */
  static LogWriter standard() {
    return (fs, path, lines, overwrite) -> {
      String scheme = fs.makeQualified(path).toUri().getScheme().toLowerCase(Locale.ROOT);
      switch (scheme) {
        case "file" -> LogFiles.local(fs, path, lines, overwrite);
        case "s3a", "s3" -> LogFiles.conditionalS3(fs, path, lines, overwrite);
        default -> LogFiles.renameIfAbsent(fs, path, lines, overwrite);
      }
    };
  }
}
