package io.github.deltaconnect.sink.write;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Transaction;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parquet files written for one batch, per table partition. Written once; if the commit has to be
 * retried on a newer snapshot, the same files are added again with the new transaction's state.
 */
public final class DataFiles {
  private static final Logger LOG = LoggerFactory.getLogger(DataFiles.class);

  /** The files of one table partition. */
  public record Bucket(Map<String, Literal> partitionValues, List<DataFileStatus> files) {}

  private final List<Bucket> buckets;

  private DataFiles(List<Bucket> buckets) {
    this.buckets = List.copyOf(buckets);
  }

  /**
   * Writes each bucket's rows as Parquet files (with column statistics) under the table.
   * {@code rowsSchema} is the shape of the buffered rows; {@code tableSchema} is the transaction's
   * schema with its field metadata (it may have more columns, e.g. added by another task).
   */
  public static DataFiles write(Engine engine, Row txnState, ParquetFiles writer,
      StructType rowsSchema, StructType tableSchema, PartitionValues partitioning,
      Map<List<Object>, ColumnarBatch> rowsByPartition) {
    return write(engine, txnState, writer, rowsSchema, tableSchema, partitioning, rowsByPartition,
        Map.of());
  }

  /**
   * As above, writing of a partition whose value is a key of {@code selected} only the rows listed
   * there (ascending row numbers); a partition left with no row gets no file.
   */
  public static DataFiles write(Engine engine, Row txnState, ParquetFiles writer,
      StructType rowsSchema, StructType tableSchema, PartitionValues partitioning,
      Map<List<Object>, ColumnarBatch> rowsByPartition, Map<List<Object>, int[]> selected) {
    boolean columnMapping = PhysicalSchema.usesColumnMapping(tableSchema);
    List<Bucket> out = new ArrayList<>(rowsByPartition.size());
    List<Column> stats = null;
    try {
      for (Map.Entry<List<Object>, ColumnarBatch> e : rowsByPartition.entrySet()) {
        int[] rows = selected.get(e.getKey());
        if (e.getValue().getSize() == 0 || (rows != null && rows.length == 0)) {
          continue;
        }
        Map<String, Literal> values = partitioning.literals(e.getKey());
        DataWriteContext ctx = Transaction.getWriteContext(engine, txnState, values);
        if (stats == null) {
          stats = statsColumns(ctx, tableSchema, rowsSchema, partitioning.columns());
        }
        ColumnarBatch physical = columnMapping
            ? physical(e.getValue(), tableSchema, partitioning.columns())
            : transformed(engine, txnState, e.getValue(), values);
        try {
          out.add(new Bucket(values, writer.write(ctx.getTargetDirectory(), physical, stats, rows)));
        } catch (IOException e2) {
          // Parquet wraps the store's error in a message holding the whole file footer: name the
          // root cause (permission denied, no space left...) instead.
          Throwable root = e2;
          while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
          }
          throw new UncheckedIOException("writing Parquet files to " + ctx.getTargetDirectory()
              + " failed: " + root, e2);
        }
      }
    } catch (RuntimeException e) {
      new DataFiles(out).delete(engine);
      throw e;
    }
    return new DataFiles(out);
  }

  /**
   * The rows as Kernel would have the file store them: partition columns dropped, after Kernel's
   * checks that the table takes writes of this kind (no column defaults, no variant columns, the
   * partition values valid). Kernel refuses this on column-mapping tables, hence {@link #physical}.
   */
  private static ColumnarBatch transformed(Engine engine, Row txnState, ColumnarBatch batch,
      Map<String, Literal> partitionValues) {
    try (CloseableIterator<FilteredColumnarBatch> out = Transaction.transformLogicalData(engine,
        txnState, Iterators.closeable(List.of(new FilteredColumnarBatch(batch, Optional.empty()))
            .iterator()), partitionValues)) {
      FilteredColumnarBatch only = out.next();
      if (only.getSelectionVector().isPresent()) {
        throw new IllegalStateException("Kernel filtered rows of a batch to append");
      }
      return only.getData();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What {@link #transformed} does, for column-mapping tables: partition columns dropped (their
   * values are in the path and the log), every field renamed to its physical name.
   */
  private static ColumnarBatch physical(ColumnarBatch batch, StructType tableSchema,
      List<String> partitionColumns) {
    for (String column : partitionColumns) {
      batch = batch.withDeletedColumnAt(batch.getSchema().indexOf(column));
    }
    return batch.withNewSchema(PhysicalSchema.of(batch.getSchema(), tableSchema));
  }

  /**
   * Kernel 4.4 lists statistics columns by physical name but fails to leave out partition columns
   * on column-mapping tables; and rows converted before another task added columns lack those.
   * Keep only columns the written files have (the same for every bucket of a batch).
   */
  private static List<Column> statsColumns(DataWriteContext ctx, StructType tableSchema,
      StructType rowsSchema, List<String> partitionColumns) {
    List<String> dataColumns = rowsSchema.fieldNames().stream()
        .filter(c -> !partitionColumns.contains(c)).toList();
    StructType written = PhysicalSchema.of(
        new StructType(dataColumns.stream().map(rowsSchema::get).toList()), tableSchema);
    return ctx.getStatisticsColumns().stream()
        .filter(c -> FileStats.typeOf(written, c.getNames()) != null).toList();
  }

  /** The add-file actions for these files in the transaction whose state is given. */
  public List<Row> appendActions(Engine engine, Row txnState) {
    List<Row> actions = new ArrayList<>();
    for (Bucket b : buckets) {
      DataWriteContext ctx = Transaction.getWriteContext(engine, txnState, b.partitionValues());
      try (CloseableIterator<Row> rows = Transaction.generateAppendActions(
          engine, txnState, Iterators.closeable(b.files().iterator()), ctx)) {
        rows.forEachRemaining(actions::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return actions;
  }

  /** The files of all of {@code parts}, as one set. */
  public static DataFiles concat(List<DataFiles> parts) {
    List<Bucket> all = new ArrayList<>();
    parts.forEach(p -> all.addAll(p.buckets));
    return new DataFiles(all);
  }

  public List<Bucket> buckets() {
    return buckets;
  }

  public int fileCount() {
    return buckets.stream().mapToInt(b -> b.files().size()).sum();
  }

  public long byteCount() {
    return buckets.stream().flatMap(b -> b.files().stream()).mapToLong(DataFileStatus::getSize).sum();
  }

  /** Removes the files (best effort): for files that will never be committed. */
  public void delete(Engine engine) {
    for (String path : paths()) {
      try {
        engine.getFileSystemClient().delete(path);
      } catch (Exception e) {
        LOG.warn("Could not delete uncommitted file {}", path, e);
      }
    }
  }

  public List<String> paths() {
    return buckets.stream().flatMap(b -> b.files().stream()).map(DataFileStatus::getPath).toList();
  }
}
