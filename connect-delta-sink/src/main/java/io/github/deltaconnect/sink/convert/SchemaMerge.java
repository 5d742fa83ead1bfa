package io.github.deltaconnect.sink.convert;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Schema evolution by addition only: new fields (top level or inside structs) become new nullable
 * columns; existing columns keep their type and metadata (column mapping ids and physical names).
 * A type change is not an evolution: records carrying it fail conversion and go to the DLQ.
 */
public final class SchemaMerge {
  private SchemaMerge() {}

  /** The table schema plus the incoming fields it lacks, or empty when nothing is missing. */
  public static Optional<StructType> addMissing(StructType table, StructType incoming) {
    StructType merged = merge(table, incoming);
    return merged == table ? Optional.empty() : Optional.of(merged);
  }

  private static StructType merge(StructType table, StructType incoming) {
    boolean changed = false;
    List<StructField> fields = new ArrayList<>(table.fields());
    for (StructField in : incoming.fields()) {
      int i = table.indexOf(in.getName());
      if (i < 0) {
        fields.add(new StructField(in.getName(), in.getDataType(), true));
        changed = true;
      } else if (fields.get(i).getDataType() instanceof StructType ts
          && in.getDataType() instanceof StructType is) {
        StructType nested = merge(ts, is);
        if (nested != ts) {
          fields.set(i, fields.get(i).withDataType(nested));
          changed = true;
        }
      }
    }
    return changed ? new StructType(fields) : table;
  }

  /**
   * Whether rows shaped by {@code rows} can be written to a table whose schema is {@code table}:
   * every field exists there with the same type (the table may have more columns, which read as
   * null in files that lack them). Field metadata is ignored.
   */
  public static boolean covers(StructType table, StructType rows) {
    for (StructField f : rows.fields()) {
      int i = table.indexOf(f.getName());
      if (i < 0 || !sameType(table.at(i).getDataType(), f.getDataType())) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameType(DataType table, DataType rows) {
    if (table instanceof StructType ts && rows instanceof StructType rs) {
      return covers(ts, rs);
    }
    if (table instanceof ArrayType ta && rows instanceof ArrayType ra) {
      return sameType(ta.getElementType(), ra.getElementType());
    }
    if (table instanceof MapType tm && rows instanceof MapType rm) {
      return sameType(tm.getKeyType(), rm.getKeyType())
          && sameType(tm.getValueType(), rm.getValueType());
    }
    return table.equals(rows);
  }
}
