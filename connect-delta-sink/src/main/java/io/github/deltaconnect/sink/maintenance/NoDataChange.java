package io.github.deltaconnect.sink.maintenance;

import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.MapValue;
import io.delta.kernel.data.Row;
import io.delta.kernel.internal.actions.SingleAction;
import io.delta.kernel.types.StructType;
import java.math.BigDecimal;

/**
 * An add action as Kernel generated it, with {@code dataChange} false: compaction rewrites rows
 * without changing them. Kernel 4.4's append path always writes true and offers no setter.
 */
final class NoDataChange implements Row {
  private final Row add;
  private final int dataChange;

  private NoDataChange(Row add) {
    this.add = add;
    this.dataChange = add.getSchema().indexOf("dataChange");
  }

  /** The single-action row {@code action} (an add) with dataChange false. */
  static Row of(Row action) {
    int ordinal = action.getSchema().indexOf("add");
    return SingleAction.createAddFileSingleAction(new NoDataChange(action.getStruct(ordinal)));
  }

  @Override
  public StructType getSchema() {
    return add.getSchema();
  }

  @Override
  public boolean isNullAt(int ordinal) {
    return ordinal != dataChange && add.isNullAt(ordinal);
  }

  @Override
  public boolean getBoolean(int ordinal) {
    return ordinal != dataChange && add.getBoolean(ordinal);
  }

  @Override
  public byte getByte(int ordinal) {
    return add.getByte(ordinal);
  }

  @Override
  public short getShort(int ordinal) {
    return add.getShort(ordinal);
  }

  @Override
  public int getInt(int ordinal) {
    return add.getInt(ordinal);
  }

  @Override
  public long getLong(int ordinal) {
    return add.getLong(ordinal);
  }

  @Override
  public float getFloat(int ordinal) {
    return add.getFloat(ordinal);
  }

  @Override
  public double getDouble(int ordinal) {
    return add.getDouble(ordinal);
  }

  @Override
  public String getString(int ordinal) {
    return add.getString(ordinal);
  }

  @Override
  public BigDecimal getDecimal(int ordinal) {
    return add.getDecimal(ordinal);
  }

  @Override
  public byte[] getBinary(int ordinal) {
    return add.getBinary(ordinal);
  }

  @Override
  public Row getStruct(int ordinal) {
    return add.getStruct(ordinal);
  }

  @Override
  public ArrayValue getArray(int ordinal) {
    return add.getArray(ordinal);
  }

  @Override
  public MapValue getMap(int ordinal) {
    return add.getMap(ordinal);
  }
}
