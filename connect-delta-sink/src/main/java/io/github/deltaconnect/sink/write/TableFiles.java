package io.github.deltaconnect.sink.write;

import io.delta.kernel.Scan;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.actions.AddFile;
import io.delta.kernel.internal.actions.SingleAction;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The table's data files as rewrites need them: listed from a scan, read back as the table shows
 * them, and removed. Kernel 4.4 has no public API for reading one file of a scan or for remove
 * actions: both are done as Kernel's own replace path does, with its internal helpers (the path
 * copied unchanged, since the conflict checker matches removes by exact string). Pin the Kernel
 * version.
 */
public final class TableFiles {
  private TableFiles() {}

  /** The scan's files, each as Kernel's scan-file row. */
  public static List<Row> list(Engine engine, Scan scan) {
    List<Row> out = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
      while (files.hasNext()) {
        try (CloseableIterator<Row> rows = files.next().getRows()) {
          rows.forEachRemaining(out::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * The OR of {@code terms} (at least one) as a balanced tree, for a scan filter that prunes
   * files by their statistics: a left-deep chain of hundreds of terms overflows Kernel's
   * evaluator.
   */
  public static io.delta.kernel.expressions.Predicate anyOf(
      List<io.delta.kernel.expressions.Predicate> terms) {
    return anyOf(terms, 0, terms.size());
  }

  private static io.delta.kernel.expressions.Predicate anyOf(
      List<io.delta.kernel.expressions.Predicate> terms, int from, int to) {
    if (to - from == 1) {
      return terms.get(from);
    }
    int mid = (from + to) >>> 1;
    return new io.delta.kernel.expressions.Or(anyOf(terms, from, mid), anyOf(terms, mid, to));
  }

  /** The rows of one data file as the table shows them (partition values, names, DVs applied). */
  public static List<FilteredColumnarBatch> read(Engine engine, Row scanState, Row scanFile) {
    StructType physical = ScanStateRow.getPhysicalDataReadSchema(scanState);
    List<FilteredColumnarBatch> out = new ArrayList<>();
    try (CloseableIterator<FileReadResult> results = engine.getParquetHandler().readParquetFiles(
            Iterators.closeable(List.of(InternalScanFileUtils.getAddFileStatus(scanFile))
                .iterator()), physical, Optional.empty());
        CloseableIterator<FilteredColumnarBatch> rows = Scan.transformPhysicalData(engine,
            scanState, scanFile, results.map(FileReadResult::getData))) {
      rows.forEachRemaining(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path(scanFile) + " failed", e);
    }
    return out;
  }

  /** Whether row {@code r} of a read batch is a row of the table (not deleted by a DV). */
  public static boolean live(FilteredColumnarBatch batch, int r) {
    Optional<ColumnVector> selection = batch.getSelectionVector();
    return selection.isEmpty() || (!selection.get().isNullAt(r) && selection.get().getBoolean(r));
  }

  /** The remove action of a scan file; {@code dataChange} false for rewrites of the same rows. */
  public static Row remove(Row scanFile, boolean dataChange) {
    return SingleAction.createRemoveFileSingleAction(new AddFile(addOf(scanFile))
        .toRemoveFileRow(dataChange, Optional.empty()));
  }

  /** The file's path as the log has it (relative to the table, or absolute). */
  public static String path(Row scanFile) {
    return InternalScanFileUtils.getFilePath(scanFile);
  }

  /** The file's size in bytes. */
  public static long size(Row scanFile) {
    return new AddFile(addOf(scanFile)).getSize();
  }

  private static Row addOf(Row scanFile) {
    return scanFile.getStruct(scanFile.getSchema().indexOf("add"));
  }

  /**
   * Writes rows {@code kept} (ascending, counted over {@code chunks} read from one table
   * partition, in order) as new data files of that partition, through the transaction whose
   * state is given; none when {@code count} is 0. The partition values come from the first row.
   */
  public static DataFiles rewrite(Engine engine, Row txnState, StructType txnSchema,
      ParquetFiles writer, StructType schema, List<String> partitionColumns,
      List<ColumnarBatch> chunks, int[] kept, int count) {
    if (count == 0) {
      return DataFiles.concat(List.of());
    }
    ColumnarBatch rows = new ConcatBatch(schema, chunks);
    List<Object> values = new ArrayList<>(partitionColumns.size());
    for (String c : partitionColumns) {
      values.add(io.github.deltaconnect.sink.dedup.Scalars.read(
          rows.getColumnVector(schema.indexOf(c)), kept[0]));
    }
    return DataFiles.write(engine, txnState, writer, schema, txnSchema,
        new PartitionValues(schema, partitionColumns), java.util.Map.of(values, rows),
        java.util.Map.of(values, java.util.Arrays.copyOf(kept, count)));
  }
}
