package io.github.deltaconnect.sink.testing;

import io.github.deltaconnect.sink.storage.LogWriter;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.Iterator;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The standard log writer with a commit whose answer goes missing, for the given versions.
 * {@link Mode#LOST} publishes the commit file and then throws an IOException (the response was
 * lost); {@link Mode#EXISTS} publishes it and then throws FileAlreadyExistsException (as S3A does
 * when the SDK retries a PUT that had succeeded and the retry's conditional write gets 412);
 * {@link Mode#UNWRITTEN} throws before publishing anything.
 */
public final class LostResponses implements LogWriter {
  /** What happens to a targeted commit. */
  public enum Mode { LOST, EXISTS, UNWRITTEN }

  private final LogWriter delegate = LogWriter.standard();
  private final Mode mode;
  private final Set<Long> versions;

  public LostResponses(Mode mode, long... versions) {
    this.mode = mode;
    this.versions = LongStream.of(versions).boxed().collect(Collectors.toSet());
  }

  @Override
  public void write(FileSystem fs, Path path, Iterator<String> lines, boolean overwrite)
      throws IOException {
    String name = path.getName();
    boolean target = !overwrite && name.matches("\\d{20}\\.json")
        && versions.contains(Long.parseLong(name.substring(0, 20)));
    if (target && mode == Mode.UNWRITTEN) {
      throw new IOException("injected: no answer, nothing written for " + path);
    }
    delegate.write(fs, path, lines, overwrite); // a retry of a published version fails here
    if (target && mode == Mode.EXISTS) {
      throw new FileAlreadyExistsException(path + " (injected: the retry of a PUT that succeeded)");
    }
    if (target) {
      throw new IOException("injected: the response to the commit of " + path + " was lost");
    }
  }
}
