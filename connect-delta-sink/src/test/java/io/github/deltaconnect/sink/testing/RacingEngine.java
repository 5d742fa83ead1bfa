package io.github.deltaconnect.sink.testing;

import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.ExpressionHandler;
import io.delta.kernel.engine.FileSystemClient;
import io.delta.kernel.engine.JsonHandler;
import io.delta.kernel.engine.MetricsReporter;
import io.delta.kernel.engine.ParquetHandler;
import java.util.List;

/**
 * An engine that runs {@code race} once, just before the first Parquet file is written: after the
 * transaction read its snapshot, before it commits. Makes commit races deterministic in tests.
 */
public final class RacingEngine implements Engine {
  private final Engine delegate;
  private Runnable race;

  public RacingEngine(Engine delegate, Runnable race) {
    this.delegate = delegate;
    this.race = race;
  }

  @Override
  public ExpressionHandler getExpressionHandler() {
    return delegate.getExpressionHandler();
  }

  @Override
  public JsonHandler getJsonHandler() {
    return delegate.getJsonHandler();
  }

  @Override
  public FileSystemClient getFileSystemClient() {
    return delegate.getFileSystemClient();
  }

  @Override
  public ParquetHandler getParquetHandler() {
    if (race != null) {
      Runnable r = race;
      race = null;
      r.run();
    }
    return delegate.getParquetHandler();
  }

  @Override
  public List<MetricsReporter> getMetricsReporters() {
    return delegate.getMetricsReporters();
  }
}
