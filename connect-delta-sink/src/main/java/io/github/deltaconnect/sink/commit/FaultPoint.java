package io.github.deltaconnect.sink.commit;

import org.apache.kafka.connect.errors.ConnectException;

/**
 * Test-only crash injection ({@code delta.test.fault}, internal): {@code after-files@N} fails the
 * task after the N-th batch's Parquet files are written but before its Delta commit;
 * {@code after-commit@N} fails it after the N-th commit, before Kafka offsets are committed.
 */
public final class FaultPoint {

  /** Where in the commit path the fault fires. */
  public enum Stage {
    AFTER_FILES,
    AFTER_COMMIT
  }

  private final Stage stage;
  private final int onBatch;
  private int batches;

  private FaultPoint(Stage stage, int onBatch) {
    this.stage = stage;
    this.onBatch = onBatch;
  }

  public static FaultPoint parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return new FaultPoint(null, 0);
    }
    String[] parts = spec.trim().split("@", 2);
    Stage stage = Stage.valueOf(parts[0].toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    return new FaultPoint(stage, parts.length > 1 ? Integer.parseInt(parts[1]) : 1);
  }

  void batchStarted() {
    batches++;
  }

  void at(Stage reached) {
    if (stage == reached && batches == onBatch) {
      throw new ConnectException("injected fault " + reached + " on batch " + batches);
    }
  }
}
