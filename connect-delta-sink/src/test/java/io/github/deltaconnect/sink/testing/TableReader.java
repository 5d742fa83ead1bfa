package io.github.deltaconnect.sink.testing;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads a Delta table back the way any Delta reader would: the snapshot's file list from the log,
 * each Parquet file read and turned into logical rows (with partition values) by Kernel's scan. It
 * shares no code with the sink's writer, so a test compares the table with what was produced.
 */
public final class TableReader {
  private final String location;
  private final Engine engine;
  private final Configuration conf;

  public TableReader(String location) {
    this(location, new Configuration());
  }

  public TableReader(String location, Configuration conf) {
    this.location = location;
    // Kernel's own engine (independent of the sink's storage code), but with clients of its own:
    // Hadoop's cache would hand it whichever S3A client for this bucket exists, of any endpoint.
    Configuration own = new Configuration(conf);
    own.setBoolean("fs.s3a.impl.disable.cache", true);
    this.engine = DefaultEngine.create(own);
    this.conf = own;
  }

  public Snapshot snapshot() {
    return TableManager.loadSnapshot(location).build(engine);
  }

  public Optional<String> domain(String name) {
    return snapshot().getDomainMetadata(name);
  }

  /** Paths of the data files the latest version references. */
  public List<String> dataFiles() {
    Scan scan = snapshot().getScanBuilder().build();
    List<String> out = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
      while (files.hasNext()) {
        try (CloseableIterator<Row> fileRows = files.next().getRows()) {
          while (fileRows.hasNext()) {
            out.add(InternalScanFileUtils.getAddFileStatus(fileRows.next()).getPath());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Data files the latest version references that are not in storage (must always be empty). */
  public List<String> missingFiles() {
    List<String> missing = new ArrayList<>();
    try {
      for (String file : dataFiles()) {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file);
        if (!path.getFileSystem(conf).exists(path)) {
          missing.add(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return missing;
  }

  /**
   * Orphans that no version ever removed either: left by a writer, never committed. (Files a
   * version removed stay until VACUUM, readable by time travel.)
   */
  public List<String> strayFiles() {
    java.util.Set<String> removed = new java.util.HashSet<>();
    java.nio.file.Path log = java.nio.file.Path.of(java.net.URI.create(location + "/_delta_log"));
    try (java.util.stream.Stream<java.nio.file.Path> commits = java.nio.file.Files.list(log)) {
      com.fasterxml.jackson.databind.ObjectMapper json =
          new com.fasterxml.jackson.databind.ObjectMapper();
      for (java.nio.file.Path commit : commits.filter(p -> p.toString().endsWith(".json"))
          .toList()) {
        for (String line : java.nio.file.Files.readAllLines(commit)) {
          com.fasterxml.jackson.databind.JsonNode remove = json.readTree(line).path("remove");
          if (!remove.isMissingNode()) {
            String path = java.net.URLDecoder.decode(remove.path("path").asText(),
                java.nio.charset.StandardCharsets.UTF_8);
            removed.add(path.startsWith("file:") ? java.net.URI.create(path).getPath()
                : java.net.URI.create(location).getPath() + "/" + path);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return orphanFiles().stream().filter(f -> !removed.contains(f)).toList();
  }

  /** Parquet files under the table that the latest version does not reference (orphans). */
  public List<String> orphanFiles() {
    java.util.Set<String> referenced = new java.util.HashSet<>();
    try {
      for (String file : dataFiles()) {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file);
        referenced.add(path.getFileSystem(conf).makeQualified(path).toUri().getPath());
      }
      org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(location);
      org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> all =
          root.getFileSystem(conf).listFiles(root, true);
      List<String> orphans = new ArrayList<>();
      while (all.hasNext()) {
        String path = all.next().getPath().toUri().getPath();
        if (path.endsWith(".parquet") && !path.contains("/_delta_log/")
            && !referenced.contains(path)) {
          orphans.add(path);
        }
      }
      return orphans;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** All rows of the latest version, each as column name to Java value. */
  public List<Map<String, Object>> rows() {
    return rows(snapshot());
  }

  /** All rows of {@code version} (time travel). */
  public List<Map<String, Object>> rows(long version) {
    return rows(TableManager.loadSnapshot(location).atVersion(version).build(engine));
  }

  private List<Map<String, Object>> rows(Snapshot snapshot) {
    Scan scan = snapshot.getScanBuilder().build();
    Row scanState = scan.getScanState(engine);
    StructType logical = snapshot.getSchema();
    StructType physical = ScanStateRow.getPhysicalDataReadSchema(scanState);
    List<Map<String, Object>> out = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
      while (files.hasNext()) {
        try (CloseableIterator<Row> fileRows = files.next().getRows()) {
          while (fileRows.hasNext()) {
            Row scanFile = fileRows.next();
            FileStatus status = InternalScanFileUtils.getAddFileStatus(scanFile);
            CloseableIterator<ColumnarBatch> data = engine.getParquetHandler()
                .readParquetFiles(single(status), physical, Optional.empty())
                .map(FileReadResult::getData);
            try (CloseableIterator<FilteredColumnarBatch> batches =
                Scan.transformPhysicalData(engine, scanState, scanFile, data)) {
              while (batches.hasNext()) {
                collect(batches.next(), logical, out);
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static void collect(FilteredColumnarBatch batch, StructType schema,
      List<Map<String, Object>> out) {
    ColumnarBatch data = batch.getData();
    Optional<ColumnVector> selection = batch.getSelectionVector();
    for (int r = 0; r < data.getSize(); r++) {
      if (selection.isPresent()
          && (selection.get().isNullAt(r) || !selection.get().getBoolean(r))) {
        continue;
      }
      Map<String, Object> row = new LinkedHashMap<>();
      for (int c = 0; c < schema.length(); c++) {
        int ordinal = data.getSchema().indexOf(schema.at(c).getName());
        row.put(schema.at(c).getName(),
            value(data.getColumnVector(ordinal), schema.at(c).getDataType(), r));
      }
      out.add(row);
    }
  }

  /**
   * Java value of a cell: structs as maps, arrays as lists, dates as epoch days, timestamps in µs.
   * {@code t} is the logical type: Kernel's scan leaves nested fields of column-mapping tables
   * under their physical names, so struct field names come from the table schema.
   */
  public static Object value(ColumnVector v, DataType t, int r) {
    if (v.isNullAt(r)) {
      return null;
    }
    if (t instanceof StringType) {
      return v.getString(r);
    } else if (t instanceof LongType || t instanceof TimestampType
        || t instanceof TimestampNTZType) {
      return v.getLong(r);
    } else if (t instanceof IntegerType || t instanceof DateType) {
      return v.getInt(r);
    } else if (t instanceof ShortType) {
      return v.getShort(r);
    } else if (t instanceof ByteType) {
      return v.getByte(r);
    } else if (t instanceof DoubleType) {
      return v.getDouble(r);
    } else if (t instanceof FloatType) {
      return v.getFloat(r);
    } else if (t instanceof BooleanType) {
      return v.getBoolean(r);
    } else if (t instanceof BinaryType) {
      return v.getBinary(r);
    } else if (t instanceof DecimalType) {
      return v.getDecimal(r);
    } else if (t instanceof StructType st) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < st.length(); i++) {
        m.put(st.at(i).getName(), value(v.getChild(i), st.at(i).getDataType(), r));
      }
      return m;
    } else if (t instanceof ArrayType at) {
      ArrayValue a = v.getArray(r);
      List<Object> l = new ArrayList<>();
      for (int i = 0; i < a.getSize(); i++) {
        l.add(value(a.getElements(), at.getElementType(), i));
      }
      return l;
    } else if (t instanceof MapType mt) {
      MapValue m = v.getMap(r);
      Map<Object, Object> out = new LinkedHashMap<>();
      for (int i = 0; i < m.getSize(); i++) {
        out.put(value(m.getKeys(), mt.getKeyType(), i), value(m.getValues(), mt.getValueType(), i));
      }
      return out;
    }
    throw new IllegalArgumentException("unsupported type " + t);
  }

  /** A value as {@link #value} gives it, byte[] (in lists and maps too) made comparable by content. */
  public static Object comparable(Object v) {
    if (v instanceof byte[] b) {
      return ByteBuffer.wrap(b);
    }
    if (v instanceof List<?> list) {
      return list.stream().map(TableReader::comparable).toList();
    }
    if (v instanceof Map<?, ?> map) {
      Map<Object, Object> m = new LinkedHashMap<>();
      map.forEach((k, x) -> m.put(comparable(k), comparable(x)));
      return m;
    }
    return v;
  }

  private static CloseableIterator<FileStatus> single(FileStatus status) {
    return new CloseableIterator<>() {
      private boolean done;

      @Override
      public boolean hasNext() {
        return !done;
      }

      @Override
      public FileStatus next() {
        done = true;
        return status;
      }

      @Override
      public void close() {}
    };
  }
}
