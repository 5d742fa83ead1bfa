package io.github.deltaconnect.sink.testing;

import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.write.ParquetFiles;

/**
 * A table that runs {@code race} once, just before the first batch's Parquet files are written:
 * after the transaction read its snapshot, before it commits. Makes commit races deterministic in
 * tests.
 */
public final class RacingTable extends DeltaTable {
  private Runnable race;

  public RacingTable(DeltaTable table, Runnable race) {
    super(table);
    this.race = race;
  }

  @Override
  public synchronized ParquetFiles files() {
    if (race != null) {
      Runnable r = race;
      race = null;
      r.run();
    }
    return super.files();
  }
}
