package io.github.deltaconnect.sink.write;

import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.types.StructType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rows of data files that a copy-on-write keeps (upserts, replace-mode replays, compaction):
 * the files' chunks as read through Kernel, and the positions of the kept rows across them. Rows
 * a deletion vector removed are never kept: they are not rows of the table.
 */
public final class KeptRows {
  /** Decides one live row of a chunk: true keeps it. */
  public interface Filter {
    boolean keep(ColumnarBatch data, int row);
  }

  private final List<ColumnarBatch> chunks = new ArrayList<>();
  private int[] kept = new int[64];
  private int count;
  private int base;

  /** Reads {@code scanFile}, keeping its live rows {@code filter} accepts; returns those it did not. */
  public int add(Engine engine, Row scanState, Row scanFile, Filter filter) {
    int refused = 0;
    for (FilteredColumnarBatch chunk : TableFiles.read(engine, scanState, scanFile)) {
      ColumnarBatch data = chunk.getData();
      for (int r = 0; r < data.getSize(); r++) {
        if (!TableFiles.live(chunk, r)) {
          continue;
        }
        if (!filter.keep(data, r)) {
          refused++;
          continue;
        }
        if (count == kept.length) {
          kept = Arrays.copyOf(kept, count * 2);
        }
        kept[count++] = base + r;
      }
      chunks.add(data);
      base += data.getSize();
    }
    return refused;
  }

  public int count() {
    return count;
  }

  /**
   * Writes the kept rows (all from one table partition) as new data files of that partition,
   * through the transaction whose state is given; none when no row was kept.
   */
  public DataFiles write(Engine engine, Row txnState, StructType txnSchema, ParquetFiles writer,
      StructType schema, List<String> partitionColumns) {
    return TableFiles.rewrite(engine, txnState, txnSchema, writer, schema, partitionColumns,
        chunks, kept, count);
  }
}
