package io.github.deltaconnect.sink.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hadoop filesystems of one task, made from that task's own configuration and closed with it.
 * Hadoop's {@code FileSystem.get} caches instances JVM-wide by scheme, authority and user, not by
 * configuration: two connectors writing one bucket with different credentials or endpoints would
 * silently share whichever instance was made first, and nothing would ever close it (an S3A
 * instance owns thread and connection pools). Here each task gets its own instance per
 * scheme://authority from {@link FileSystem#newInstance}, shared by its threads.
 */
public final class TaskFileSystems implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TaskFileSystems.class);

  private final Configuration conf;
  private final Map<String, FileSystem> open = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public TaskFileSystems(Configuration conf) {
    this.conf = conf;
  }

  /** The task's filesystem for {@code path}, made on first use. */
  public FileSystem get(Path path) {
    if (closed) {
      throw new IllegalStateException("the task's filesystems are closed (the task stopped)");
    }
    URI uri = path.toUri();
    if (uri.getScheme() == null) {
      uri = FileSystem.getDefaultUri(conf);
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    String key = scheme + "://" + (uri.getAuthority() == null ? "" : uri.getAuthority());
    return open.computeIfAbsent(key, k -> {
      try {
        return FileSystem.newInstance(URI.create(k + "/"), conf);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open the filesystem for " + k, e);
      }
    });
  }

  public FileSystem get(String path) {
    return get(new Path(path));
  }

  public Configuration conf() {
    return conf;
  }

  /** How many filesystems are open now. */
  public int openCount() {
    return open.size();
  }

  /** Closes every filesystem the task opened (S3A: its thread and connection pools). */
  @Override
  public void close() {
    closed = true;
    List<String> failed = new ArrayList<>();
    for (Map.Entry<String, FileSystem> e : open.entrySet()) {
      try {
        e.getValue().close();
      } catch (IOException | RuntimeException ex) {
        failed.add(e.getKey());
        LOG.warn("Could not close the filesystem for {}", e.getKey(), ex);
      }
    }
    open.clear();
    if (!failed.isEmpty()) {
      LOG.warn("Filesystems not closed cleanly: {}", failed);
    }
  }
}
