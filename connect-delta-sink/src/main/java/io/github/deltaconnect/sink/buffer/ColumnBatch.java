package io.github.deltaconnect.sink.buffer;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The rows of one table partition as a {@link ColumnarBatch}, read in place by the Parquet writer.
 * Partition columns are dropped before writing; the view then maps its columns to the buffered
 * ones.
 */
final class ColumnBatch implements ColumnarBatch {
  private final StructType schema;
  private final Column.Struct rows;
  private final int[] positions;

  ColumnBatch(StructType schema, Column.Struct rows) {
    this(schema, rows, IntStream.range(0, schema.length()).toArray());
  }

  private ColumnBatch(StructType schema, Column.Struct rows, int[] positions) {
    this.schema = schema;
    this.rows = rows;
    this.positions = positions;
  }

  @Override
  public StructType getSchema() {
    return schema;
  }

  @Override
  public ColumnVector getColumnVector(int ordinal) {
    return new ColumnView(rows.children[positions[ordinal]], 0, rows.size);
  }

  @Override
  public int getSize() {
    return rows.size;
  }

  @Override
  public ColumnarBatch withDeletedColumnAt(int ordinal) {
    List<StructField> fields = new ArrayList<>(schema.fields());
    fields.remove(ordinal);
    int[] kept = new int[positions.length - 1];
    for (int i = 0, j = 0; i < positions.length; i++) {
      if (i != ordinal) {
        kept[j++] = positions[i];
      }
    }
    return new ColumnBatch(new StructType(fields), rows, kept);
  }

  @Override
  public ColumnarBatch withNewSchema(StructType newSchema) {
    if (newSchema.length() != schema.length()) {
      throw new IllegalArgumentException("schema " + newSchema + " does not match " + schema);
    }
    return new ColumnBatch(newSchema, rows, positions);
  }
}
