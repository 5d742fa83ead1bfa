package io.github.deltaconnect.sink.commit;

import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.offsets.OffsetDomain;
import io.github.deltaconnect.sink.storage.ConditionalS3LogStore;
import io.github.deltaconnect.sink.storage.Durability;
import io.github.deltaconnect.sink.storage.LocalFileSystem;
import io.github.deltaconnect.sink.storage.LogWriter;
import io.github.deltaconnect.sink.storage.TaskFileIO;
import io.github.deltaconnect.sink.storage.TaskFileSystems;
import io.github.deltaconnect.sink.write.ParquetFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.common.TopicPartition;

/**
 * One Delta table, the Kernel engine that reads and writes it, and the filesystems both use: the
 * task's own, made from its configuration and closed with {@link #close()}.
 */
public class DeltaTable implements AutoCloseable {

  private final String location;
  private final Engine engine;
  private final Configuration conf;
  private final TaskFileSystems fileSystems;
  /** Whether close() closes the filesystems (false for a table opened beside another). */
  private final boolean owner;

  /** A table whose log files are written by {@code logWriter} (tests inject faults there). */
  public DeltaTable(String location, Configuration conf, LogWriter logWriter) {
    this.location = location;
    this.conf = conf;
    this.fileSystems = new TaskFileSystems(conf);
    this.engine = DefaultEngine.create(new TaskFileIO(fileSystems, logWriter));
    this.owner = true;
  }

  /** A table with each store's native put-if-absent for log files. */
  public DeltaTable(String location, Configuration conf) {
    this(location, conf, LogWriter.standard());
  }

  /** The same table, engine and filesystems (for wrappers that intercept calls). */
  protected DeltaTable(DeltaTable table) {
    this(table, table.location, true);
  }

  private DeltaTable(DeltaTable table, String location, boolean owner) {
    this.location = location;
    this.conf = table.conf;
    this.fileSystems = table.fileSystems;
    this.engine = table.engine;
    this.owner = owner;
  }

  /**
   * Another table through this one's engine and filesystems (the quarantine table): same
   * settings, nothing more to open; closing it closes nothing, this table's close() does.
   */
  public DeltaTable beside(String otherLocation) {
    return new DeltaTable(this, qualify(otherLocation), false);
  }

  public static DeltaTable open(DeltaSinkConfig config) {
    return open(config, config.tableLocation());
  }

  /** A table at {@code location} with {@code config}'s settings (routed tables: the template's). */
  public static DeltaTable open(DeltaSinkConfig config, String location) {
    Configuration conf = new Configuration();
    conf.set("parquet.compression", config.parquetCompression());
    conf.setLong(ParquetFiles.TARGET_FILE_SIZE, config.fileTargetBytes());
    conf.setBoolean(Durability.SYNC, config.storageSync());
    conf.setClassLoader(DeltaTable.class.getClassLoader()); // the plugin's, whatever thread asks
    LocalFileSystem.install(conf); // only affects file: paths; hadoop.* settings below may override
    // S3: commit files are created with conditional writes, safe across workers (see the class).
    conf.set("fs.s3.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem");
    conf.set("io.delta.kernel.logStore.s3a.impl", ConditionalS3LogStore.class.getName());
    conf.set("io.delta.kernel.logStore.s3.impl", ConditionalS3LogStore.class.getName());
    // S3A 3.4.3 made the Analytics Accelerator stream its default; keep 3.4.2's classic stream so
    // the Hadoop upgrade changes no read path (hadoop.fs.s3a.input.stream.type overrides this).
    conf.set("fs.s3a.input.stream.type", "classic");
    config.hadoopProperties().forEach(conf::set);
    return new DeltaTable(qualify(location), conf);
  }

  /** Plain paths become absolute file: URIs; URIs with a scheme are kept as they are. */
  public static String qualify(String location) {
    URI uri = URI.create(location.replace(" ", "%20"));
    if (uri.getScheme() != null && uri.getScheme().length() > 1) {
      return location;
    }
    return "file:" + Paths.get(location).toAbsolutePath().normalize();
  }

  public String location() {
    return location;
  }

  public Engine engine() {
    return engine;
  }

  public Configuration conf() {
    return conf;
  }

  /** The writer of this table's data files. */
  public ParquetFiles files() {
    return new ParquetFiles(fileSystems);
  }

  public TaskFileSystems fileSystems() {
    return fileSystems;
  }

  /** Closes the table's filesystems; the table is unusable afterwards. */
  @Override
  public void close() {
    if (owner) {
      fileSystems.close();
    }
  }

  /** The latest snapshot, or empty when no table exists at the location yet. */
  public Optional<Snapshot> latest() {
    try {
      return Optional.of(TableManager.loadSnapshot(location)
          .withCommitter(HistoryCommitter.INSTANCE).build(engine));
    } catch (TableNotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * The first version in {@code [from, to]} whose commit file contains {@code marker} (a batch id),
   * read from the log's JSON commit files. How a task finds out whether a commit whose answer it
   * never got is in the table.
   */
  public Optional<Long> versionContaining(String marker, long from, long to) throws IOException {
    Path log = new Path(location, "_delta_log");
    FileSystem fs = fileSystems.get(log);
    for (long v = Math.max(0, from); v <= to; v++) {
      Path commit = new Path(log, String.format("%020d.json", v));
      try (InputStream in = fs.open(commit)) {
        if (new String(in.readAllBytes(), StandardCharsets.UTF_8).contains(marker)) {
          return Optional.of(v);
        }
      } catch (FileNotFoundException e) {
        // Only a log cleanup removes commit files, and it keeps far more than a retry spans.
      }
    }
    return Optional.empty();
  }

  /** Offsets stored in the snapshot for these partitions; partitions never committed are absent. */
  /** The offset domains of {@code partitions} that the snapshot holds, as stored. */
  public static Map<TopicPartition, io.github.deltaconnect.sink.offsets.StoredOffset> stored(
      Snapshot snapshot, OffsetDomain domain, Collection<TopicPartition> partitions) {
    Map<TopicPartition, io.github.deltaconnect.sink.offsets.StoredOffset> out = new HashMap<>();
    for (TopicPartition tp : partitions) {
      snapshot.getDomainMetadata(domain.name(tp))
          .ifPresent(json -> out.put(tp, OffsetDomain.decode(json)));
    }
    return out;
  }

  /** The last offset each of {@code partitions} has stored in the snapshot (absent: none). */
  public static Map<TopicPartition, Long> storedOffsets(Snapshot snapshot, OffsetDomain domain,
      Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> out = new HashMap<>();
    stored(snapshot, domain, partitions).forEach((tp, held) -> out.put(tp, held.offset()));
    return out;
  }
}
