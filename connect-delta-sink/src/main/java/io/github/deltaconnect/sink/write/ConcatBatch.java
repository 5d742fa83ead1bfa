package io.github.deltaconnect.sink.write;

import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Batches of one schema read as one, so the rows kept from several files (which the Parquet reader
 * returns in chunks) are written into as few files as the target size allows.
 */
final class ConcatBatch implements ColumnarBatch {
  private final StructType schema;
  private final List<ColumnarBatch> parts;
  /** Row number at which each part starts, plus the total at the end. */
  private final int[] starts;

  ConcatBatch(StructType schema, List<ColumnarBatch> parts) {
    this.schema = schema;
    this.parts = parts.stream().filter(p -> p.getSize() > 0).toList();
    this.starts = new int[this.parts.size() + 1];
    for (int i = 0; i < this.parts.size(); i++) {
      starts[i + 1] = starts[i] + this.parts.get(i).getSize();
    }
  }

  @Override
  public StructType getSchema() {
    return schema;
  }

  @Override
  public int getSize() {
    return starts[parts.size()];
  }

  @Override
  public ColumnVector getColumnVector(int ordinal) {
    List<ColumnVector> vectors = new ArrayList<>(parts.size());
    parts.forEach(p -> vectors.add(p.getColumnVector(ordinal)));
    return new Vector(schema.at(ordinal).getDataType(), vectors, starts);
  }

  @Override
  public ColumnarBatch withDeletedColumnAt(int ordinal) {
    List<StructField> fields = new ArrayList<>(schema.fields());
    fields.remove(ordinal);
    return new ConcatBatch(new StructType(fields),
        parts.stream().map(p -> p.withDeletedColumnAt(ordinal)).toList());
  }

  @Override
  public ColumnarBatch withNewSchema(StructType newSchema) {
    return new ConcatBatch(newSchema, parts.stream().map(p -> p.withNewSchema(newSchema)).toList());
  }

  /** One column over the parts; a row number is found by binary search over the starts. */
  private static final class Vector implements ColumnVector {
    private final DataType type;
    private final List<ColumnVector> vectors;
    private final int[] starts;

    Vector(DataType type, List<ColumnVector> vectors, int[] starts) {
      this.type = type;
      this.vectors = vectors;
      this.starts = starts;
    }

    private int part(int row) {
      int i = java.util.Arrays.binarySearch(starts, 0, vectors.size(), row); // parts are never empty
      return i < 0 ? -i - 2 : i;
    }

    private ColumnVector at(int row) {
      return vectors.get(part(row));
    }

    private int local(int row) {
      return row - starts[part(row)];
    }

    @Override
    public DataType getDataType() {
      return type;
    }

    @Override
    public int getSize() {
      return starts[vectors.size()];
    }

    @Override
    public void close() {
      vectors.forEach(ColumnVector::close);
    }

    @Override
    public boolean isNullAt(int row) {
      return at(row).isNullAt(local(row));
    }

    @Override
    public boolean getBoolean(int row) {
      return at(row).getBoolean(local(row));
    }

    @Override
    public byte getByte(int row) {
      return at(row).getByte(local(row));
    }

    @Override
    public short getShort(int row) {
      return at(row).getShort(local(row));
    }

    @Override
    public int getInt(int row) {
      return at(row).getInt(local(row));
    }

    @Override
    public long getLong(int row) {
      return at(row).getLong(local(row));
    }

    @Override
    public float getFloat(int row) {
      return at(row).getFloat(local(row));
    }

    @Override
    public double getDouble(int row) {
      return at(row).getDouble(local(row));
    }

    @Override
    public byte[] getBinary(int row) {
      return at(row).getBinary(local(row));
    }

    @Override
    public String getString(int row) {
      return at(row).getString(local(row));
    }

    @Override
    public BigDecimal getDecimal(int row) {
      return at(row).getDecimal(local(row));
    }

    @Override
    public MapValue getMap(int row) {
      return at(row).getMap(local(row));
    }

    @Override
    public ArrayValue getArray(int row) {
      return at(row).getArray(local(row));
    }

    @Override
    public ColumnVector getChild(int ordinal) {
      List<ColumnVector> children = new ArrayList<>(vectors.size());
      vectors.forEach(v -> children.add(v.getChild(ordinal)));
      return new Vector(((StructType) type).at(ordinal).getDataType(), children, starts);
    }
  }
}
