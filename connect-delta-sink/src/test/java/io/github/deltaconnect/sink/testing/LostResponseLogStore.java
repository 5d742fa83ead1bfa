package io.github.deltaconnect.sink.testing;

import io.github.deltaconnect.sink.storage.LocalLogStore;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The local log store with a commit whose answer goes missing, for the versions listed in
 * {@link #VERSIONS}. {@link #MODE}: {@code lost} publishes the commit file and then throws an
 * IOException (the response was lost); {@code exists} publishes it and then throws
 * FileAlreadyExistsException (as S3A does when the SDK retries a PUT that had succeeded, and the
 * retry's conditional write gets 412); {@code unwritten} throws before publishing anything.
 * Stateless, decided per version: the settings travel in the table's Hadoop configuration.
 */
public class LostResponseLogStore extends LocalLogStore {
  public static final String VERSIONS = "test.lost.response.versions";
  public static final String MODE = "test.lost.response.mode";

  private final Set<Long> versions;
  private final String mode;

  public LostResponseLogStore(Configuration conf) {
    super(conf);
    versions = Arrays.stream(conf.get(VERSIONS, "").split(",")).filter(v -> !v.isBlank())
        .map(v -> Long.parseLong(v.trim())).collect(Collectors.toSet());
    mode = conf.get(MODE, "lost");
  }

  /** Settings that make {@code conf}'s local tables use this store. */
  public static void install(Configuration conf, String mode, long... versions) {
    conf.set("io.delta.kernel.logStore.file.impl", LostResponseLogStore.class.getName());
    conf.set(MODE, mode);
    conf.set(VERSIONS, Arrays.stream(versions).mapToObj(Long::toString)
        .collect(Collectors.joining(",")));
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf)
      throws IOException {
    String name = path.getName();
    boolean target = !overwrite && name.endsWith(".json") && name.matches("\\d{20}\\.json")
        && versions.contains(Long.parseLong(name.substring(0, 20)));
    if (target && mode.equals("unwritten")) {
      throw new IOException("injected: no answer, nothing written for " + path);
    }
    super.write(path, actions, overwrite, hadoopConf); // a retry of a published version fails here
    if (target && mode.equals("exists")) {
      throw new FileAlreadyExistsException(path + " (injected: the retry of a PUT that succeeded)");
    }
    if (target) {
      throw new IOException("injected: the response to the commit of " + path + " was lost");
    }
  }
}
