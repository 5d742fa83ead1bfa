package io.github.deltaconnect.sink.write;

import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.utils.DataFileStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import io.github.deltaconnect.sink.storage.Durability;
import io.github.deltaconnect.sink.storage.TaskFileSystems;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.hadoop.ParquetOutputFormat;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a batch's rows as Parquet files in one directory, starting a new file when the current
 * one reaches the target size, and returns each file with its Delta statistics. Honours the
 * standard {@code parquet.*} Hadoop settings (compression, row group, page and dictionary page
 * sizes, writer version); with dictionary encoding on, columns whose values hardly repeat are
 * written without one ({@link Cardinality}).
 */
public final class ParquetFiles {
  private static final Logger LOG = LoggerFactory.getLogger(ParquetFiles.class);
  /** Hadoop key for the size at which a file is closed and the next one started. */
  public static final String TARGET_FILE_SIZE = "delta.kernel.default.parquet.writer.targetMaxFileSize";
  static final long DEFAULT_TARGET_FILE_SIZE = 128L * 1024 * 1024;
  /** Rows between two checks of the current file's size (the check walks every column). */
  private static final int SIZE_CHECK_ROWS = 512;

  private final Configuration conf;
  private final TaskFileSystems fileSystems;

  /** Writes through the task's filesystems, with their configuration's Parquet settings. */
  public ParquetFiles(TaskFileSystems fileSystems) {
    this.conf = fileSystems.conf();
    this.fileSystems = fileSystems;
  }

  /**
   * Writes {@code batch} (already in the file's physical schema) under {@code directory};
   * statistics are collected for {@code statsColumns} (physical paths).
   */
  public List<DataFileStatus> write(String directory, ColumnarBatch batch, List<Column> statsColumns)
      throws IOException {
    return write(directory, batch, statsColumns, null);
  }

  /**
   * Writes the rows of {@code batch} listed in {@code rows} (ascending; null: all of them), e.g.
   * the ones left after dropping duplicate keys.
   */
  public List<DataFileStatus> write(String directory, ColumnarBatch batch, List<Column> statsColumns,
      int[] rows) throws IOException {
    int count = rows == null ? batch.getSize() : rows.length;
    MessageType fileSchema = ParquetSchema.of(batch.getSchema());
    long target = conf.getLong(TARGET_FILE_SIZE, DEFAULT_TARGET_FILE_SIZE);
    List<String> plain = dictionary()
        ? Cardinality.withoutDictionary(batch.getSchema(), batch::getColumnVector, batch.getSize(),
            dictionaryPageSize())
        : List.of();
    if (!plain.isEmpty()) {
      LOG.debug("Writing {} rows to {} without dictionary encoding for {} (values hardly repeat)",
          batch.getSize(), directory, plain);
    }
    RowWriter rowWriter = new RowWriter(batch, fileSchema); // one per batch, handed to each file's writer
    String prefix = UUID.randomUUID().toString();
    List<DataFileStatus> files = new ArrayList<>();
    List<Path> written = new ArrayList<>();
    Path dir = new Path(directory);
    FileSystem fs = fileSystems.get(dir);
    // Local: directories this batch creates must be synced into their parents, or a power loss
    // can lose a committed file's directory entry.
    boolean sync = Durability.enabled(conf);
    List<java.nio.file.Path> created = sync && Durability.isLocal(fs)
        ? Durability.missingDirectories(fs, dir) : List.of();
    try {
      int row = 0;
      while (row < count) {
        Path path = new Path(directory, String.format("%s-%03d.parquet", prefix, written.size()));
        written.add(path);
        FileOutput out = new FileOutput(fs, path, sync);
        ParquetWriter<Integer> writer = builder(out, rowWriter, plain).build();
        try {
          do {
            writer.write(rows == null ? row : rows[row]);
            row++;
          } while (row < count
              && (row % SIZE_CHECK_ROWS != 0 || writer.getDataSize() < target));
        } finally {
          writer.close();
        }
        files.add(new DataFileStatus(fs.makeQualified(path).toString(),
            out.length, System.currentTimeMillis(),
            Optional.of(FileStats.of(writer.getFooter(), batch.getSchema(), statsColumns))));
      }
      if (sync && Durability.isLocal(fs)) {
        Durability.syncWritten(fs, dir, created);
      }
    } catch (IOException | RuntimeException e) {
      // None of these files will be committed: remove them rather than leave orphans.
      for (Path path : written) {
        try {
          fs.delete(path, false);
        } catch (IOException | RuntimeException e2) {
          e.addSuppressed(e2);
        }
      }
      throw e;
    }
    return files;
  }

  private boolean dictionary() {
    return conf.getBoolean(ParquetOutputFormat.ENABLE_DICTIONARY,
        ParquetProperties.DEFAULT_IS_DICTIONARY_ENABLED);
  }

  private int dictionaryPageSize() {
    return conf.getInt(ParquetOutputFormat.DICTIONARY_PAGE_SIZE,
        ParquetProperties.DEFAULT_DICTIONARY_PAGE_SIZE);
  }

  private Builder builder(OutputFile file, RowWriter rows, List<String> withoutDictionary) {
    Builder b = new Builder(file, rows);
    b.withConf(conf);
    String codec = conf.get(ParquetOutputFormat.COMPRESSION);
    if (codec != null) {
      b.withCompressionCodec(CompressionCodecName.fromConf(codec));
    }
    String blockSize = conf.get(ParquetOutputFormat.BLOCK_SIZE);
    if (blockSize != null) {
      b.withRowGroupSize(Long.parseLong(blockSize));
    }
    String pageSize = conf.get(ParquetOutputFormat.PAGE_SIZE);
    if (pageSize != null) {
      b.withPageSize(Integer.parseInt(pageSize));
    }
    b.withDictionaryPageSize(dictionaryPageSize());
    b.withDictionaryEncoding(dictionary());
    for (String column : withoutDictionary) {
      b.withDictionaryEncoding(column, false);
    }
    String version = conf.get(ParquetOutputFormat.WRITER_VERSION);
    if (version != null) {
      b.withWriterVersion(WriterVersion.fromString(version));
    }
    return b;
  }

  private static final class Builder extends ParquetWriter.Builder<Integer, Builder> {
    private final RowWriter rows;

    Builder(OutputFile file, RowWriter rows) {
      super(file);
      this.rows = rows;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Integer> getWriteSupport(Configuration conf) {
      return rows;
    }
  }

  /**
   * A new file on a Hadoop filesystem (created once per batch, not looked up per file), whose
   * length as written is known without asking the filesystem afterwards.
   */
  private static final class FileOutput implements OutputFile {
    private final FileSystem fs;
    private final Path path;
    private final boolean sync;
    long length;

    FileOutput(FileSystem fs, Path path, boolean sync) {
      this.fs = fs;
      this.path = path;
      this.sync = sync;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
      FSDataOutputStream out = fs.create(path, false);
      return new PositionOutputStream() {
        @Override
        public long getPos() throws IOException {
          return out.getPos();
        }

        @Override
        public void write(int b) throws IOException {
          out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          length = out.getPos();
          if (sync && out.hasCapability(StreamCapabilities.HSYNC)) {
            out.hsync(); // on disk before any commit references it (local, HDFS; not S3)
          }
          out.close();
        }
      };
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      throw new UnsupportedOperationException("data files are never overwritten: " + path);
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }

    @Override
    public String getPath() {
      return path.toString();
    }
  }
}
