package io.github.deltaconnect.sink.write;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A {@link ColumnarBatch} view over buffered rows ({@code Object[]} in table-schema order), so
 * Kernel's Parquet writer reads the buffer in place instead of a second, columnar copy of it.
 * Kernel drops partition columns before writing; the view then maps its columns to row positions.
 */
public final class RowBatch implements ColumnarBatch {
  private final StructType schema;
  private final List<Object[]> rows;
  private final int[] positions;

  public RowBatch(StructType schema, List<Object[]> rows) {
    this(schema, rows, IntStream.range(0, schema.length()).toArray());
  }

  private RowBatch(StructType schema, List<Object[]> rows, int[] positions) {
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
    return ValueVector.column(schema.at(ordinal).getDataType(), rows, positions[ordinal]);
  }

  @Override
  public int getSize() {
    return rows.size();
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
    return new RowBatch(new StructType(fields), rows, kept);
  }

  @Override
  public ColumnarBatch withNewSchema(StructType newSchema) {
    if (newSchema.length() != schema.length()) {
      throw new IllegalArgumentException("schema " + newSchema + " does not match " + schema);
    }
    return new RowBatch(newSchema, rows, positions);
  }
}
