package io.github.deltaconnect.sink.write;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Transaction;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parquet files written for one batch, per table partition. Written once; if the commit has to be
 * retried on a newer snapshot, the same files are added again with the new transaction's state.
 */
public final class DataFiles {

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
  public static DataFiles write(Engine engine, Row txnState, StructType rowsSchema,
      StructType tableSchema, PartitionValues partitioning,
      Map<List<Object>, ColumnarBatch> rowsByPartition) {
    boolean columnMapping = PhysicalSchema.usesColumnMapping(tableSchema);
    List<Bucket> out = new ArrayList<>(rowsByPartition.size());
    for (Map.Entry<List<Object>, ColumnarBatch> e : rowsByPartition.entrySet()) {
      if (e.getValue().getSize() == 0) {
        continue;
      }
      Map<String, Literal> values = partitioning.literals(e.getKey());
      DataWriteContext ctx = Transaction.getWriteContext(engine, txnState, values);
      ColumnarBatch logical = e.getValue();
      List<DataFileStatus> files = new ArrayList<>();
      try (CloseableIterator<FilteredColumnarBatch> physical = columnMapping
              ? single(physical(logical, tableSchema, partitioning.columns()))
              : Transaction.transformLogicalData(engine, txnState,
                  single(new FilteredColumnarBatch(logical, Optional.empty())), values);
          CloseableIterator<DataFileStatus> written = engine.getParquetHandler()
              .writeParquetFiles(ctx.getTargetDirectory(), physical,
                  columnMapping ? statsColumns(ctx, tableSchema, rowsSchema, partitioning.columns())
                      : ctx.getStatisticsColumns())) {
        written.forEachRemaining(files::add);
      } catch (IOException e2) {
        throw new UncheckedIOException("writing Parquet files to " + ctx.getTargetDirectory(), e2);
      }
      out.add(new Bucket(values, files));
    }
    return new DataFiles(out);
  }

  /** What transformLogicalData does, for column-mapping tables: drop partition columns, rename. */
  private static FilteredColumnarBatch physical(ColumnarBatch batch, StructType tableSchema,
      List<String> partitionColumns) {
    for (String column : partitionColumns) {
      batch = batch.withDeletedColumnAt(batch.getSchema().indexOf(column));
    }
    batch = batch.withNewSchema(PhysicalSchema.of(batch.getSchema(), tableSchema));
    return new FilteredColumnarBatch(batch, Optional.empty());
  }

  /**
   * Kernel 4.4 lists statistics columns by physical name but fails to leave out partition columns
   * on column-mapping tables; and rows converted before another task added columns lack those.
   * Keep only columns the written files have.
   */
  private static List<Column> statsColumns(DataWriteContext ctx, StructType tableSchema,
      StructType rowsSchema, List<String> partitionColumns) {
    List<String> dataColumns = rowsSchema.fieldNames().stream()
        .filter(c -> !partitionColumns.contains(c)).toList();
    StructType written = PhysicalSchema.of(
        new StructType(dataColumns.stream().map(rowsSchema::get).toList()), tableSchema);
    return ctx.getStatisticsColumns().stream().filter(c -> resolves(written, c.getNames())).toList();
  }

  private static boolean resolves(StructType schema, String[] path) {
    DataType type = schema;
    for (String name : path) {
      if (!(type instanceof StructType st) || st.indexOf(name) < 0) {
        return false;
      }
      type = st.at(st.indexOf(name)).getDataType();
    }
    return true;
  }

  private static <T> CloseableIterator<T> single(T value) {
    return Iterators.closeable(List.of(value).iterator());
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

  public List<Bucket> buckets() {
    return buckets;
  }

  public int fileCount() {
    return buckets.stream().mapToInt(b -> b.files().size()).sum();
  }

  public long byteCount() {
    return buckets.stream().flatMap(b -> b.files().stream()).mapToLong(DataFileStatus::getSize).sum();
  }

  public List<String> paths() {
    return buckets.stream().flatMap(b -> b.files().stream()).map(DataFileStatus::getPath).toList();
  }
}
