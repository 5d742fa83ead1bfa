package io.github.deltaconnect.sink.write;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.FieldMetadata;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import java.util.ArrayList;
import java.util.List;

/**
 * The Parquet schema of a column-mapping table: each field renamed to its physical name
 * ({@code delta.columnMapping.physicalName}), nested fields included. Kernel 4.4 does not write
 * column-mapping tables itself ({@code transformLogicalData} refuses them), so the sink does.
 */
public final class PhysicalSchema {
  static final String PHYSICAL_NAME = "delta.columnMapping.physicalName";

  private PhysicalSchema() {}

  public static boolean usesColumnMapping(StructType table) {
    return table.fields().stream().anyMatch(f -> f.getMetadata().contains(PHYSICAL_NAME));
  }

  /** {@code rows} (logical names, possibly fewer columns) renamed after {@code table}'s mapping. */
  public static StructType of(StructType rows, StructType table) {
    List<StructField> out = new ArrayList<>(rows.length());
    for (StructField f : rows.fields()) {
      int i = table.indexOf(f.getName());
      if (i < 0) {
        throw new IllegalStateException("column '" + f.getName() + "' is not in the table " + table);
      }
      StructField mapped = table.at(i);
      FieldMetadata md = mapped.getMetadata();
      String name = md.contains(PHYSICAL_NAME) ? md.getString(PHYSICAL_NAME) : f.getName();
      // No parquet.field.id: name mode resolves columns by physical name (ids would be needed for
      // id mode and Iceberg readers, which the sink refuses).
      out.add(new StructField(name, type(f.getDataType(), mapped.getDataType()), f.isNullable(),
          FieldMetadata.empty()));
    }
    return new StructType(out);
  }

  private static DataType type(DataType rows, DataType table) {
    if (rows instanceof StructType rs && table instanceof StructType ts) {
      return of(rs, ts);
    }
    if (rows instanceof ArrayType ra && table instanceof ArrayType ta) {
      return new ArrayType(type(ra.getElementType(), ta.getElementType()), ra.containsNull());
    }
    if (rows instanceof MapType rm && table instanceof MapType tm) {
      return new MapType(type(rm.getKeyType(), tm.getKeyType()),
          type(rm.getValueType(), tm.getValueType()), rm.isValueContainsNull());
    }
    return rows;
  }
}
