package io.github.deltaconnect.sink.dedup;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.VariantType;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The key fields of {@code delta.idempotency.key}, resolved against the table's schema to ordinal
 * paths into a converted row (top-level columns, or {@code a.b} inside struct columns).
 */
public final class KeyColumns {
  private final List<String> names;
  private final int[][] paths;
  private final Object[] values;

  private KeyColumns(List<String> names, int[][] paths) {
    this.names = names;
    this.paths = paths;
    this.values = new Object[paths.length];
  }

  /**
   * Resolves {@code fields} in {@code schema}; a field that is missing, or not a scalar (struct,
   * array, map), fails the task with the property's name: no record could be keyed.
   */
  public static KeyColumns resolve(List<String> fields, StructType schema, String property) {
    int[][] paths = new int[fields.size()][];
    for (int i = 0; i < fields.size(); i++) {
      String field = fields.get(i);
      String[] parts = field.split("\\.");
      List<Integer> path = new ArrayList<>();
      DataType type = schema;
      for (String part : parts) {
        if (!(type instanceof StructType st) || st.indexOf(part) < 0) {
          throw new ConnectException(property + ": field '" + field + "' is not a column of the"
              + " table (columns: " + schema.fieldNames() + ")");
        }
        int ordinal = st.indexOf(part);
        path.add(ordinal);
        StructField f = st.at(ordinal);
        type = f.getDataType();
      }
      if (type instanceof StructType || type instanceof ArrayType || type instanceof MapType
          || type instanceof VariantType) {
        throw new ConnectException(property + ": field '" + field + "' is a " + type
            + "; key fields must be scalar columns (strings, numbers, booleans, dates, timestamps,"
            + " decimals, binary)");
      }
      paths[i] = path.stream().mapToInt(Integer::intValue).toArray();
    }
    return new KeyColumns(List.copyOf(fields), paths);
  }

  /**
   * The key values of {@code row} in key order (a shared array, overwritten by the next call), or
   * null when every one of them is null: such a record has no key to deduplicate by.
   */
  public Object[] values(Object[] row) {
    boolean any = false;
    for (int i = 0; i < paths.length; i++) {
      Object v = row;
      for (int ordinal : paths[i]) {
        v = v == null ? null : ((Object[]) v)[ordinal];
      }
      values[i] = v;
      any |= v != null;
    }
    return any ? values : null;
  }

  /**
   * The key values of row {@code row} of {@code batch} (a batch read from the table, whose schema
   * these columns were resolved against), in the form {@link #values(Object[])} gives; a shared
   * array, overwritten by the next call.
   */
  public Object[] values(io.delta.kernel.data.ColumnarBatch batch, int row) {
    for (int i = 0; i < paths.length; i++) {
      io.delta.kernel.data.ColumnVector v = batch.getColumnVector(paths[i][0]);
      for (int d = 1; d < paths[i].length && !v.isNullAt(row); d++) {
        v = v.getChild(paths[i][d]);
      }
      values[i] = Scalars.read(v, row);
    }
    return values;
  }

  public List<String> names() {
    return names;
  }
}
