package io.github.deltaconnect.sink.write;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Transaction;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
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

  /** Writes each bucket's rows as Parquet files (with column statistics) under the table. */
  public static DataFiles write(Engine engine, Row txnState, StructType schema,
      PartitionValues partitioning, Map<List<Object>, List<Object[]>> rowsByPartition) {
    List<Bucket> out = new ArrayList<>(rowsByPartition.size());
    for (Map.Entry<List<Object>, List<Object[]>> e : rowsByPartition.entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      Map<String, Literal> values = partitioning.literals(e.getKey());
      FilteredColumnarBatch batch =
          new FilteredColumnarBatch(new RowBatch(schema, e.getValue()), Optional.empty());
      DataWriteContext ctx = Transaction.getWriteContext(engine, txnState, values);
      List<DataFileStatus> files = new ArrayList<>();
      try (CloseableIterator<FilteredColumnarBatch> physical = Transaction.transformLogicalData(
              engine, txnState, Iterators.closeable(List.of(batch).iterator()), values);
          CloseableIterator<DataFileStatus> written = engine.getParquetHandler()
              .writeParquetFiles(ctx.getTargetDirectory(), physical, ctx.getStatisticsColumns())) {
        written.forEachRemaining(files::add);
      } catch (IOException e2) {
        throw new UncheckedIOException("writing Parquet files to " + ctx.getTargetDirectory(), e2);
      }
      out.add(new Bucket(values, files));
    }
    return new DataFiles(out);
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
