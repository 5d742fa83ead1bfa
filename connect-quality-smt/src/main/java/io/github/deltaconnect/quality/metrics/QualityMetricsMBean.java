package io.github.deltaconnect.quality.metrics;

/** Counters of one transform instance, over all its rules. */
public interface QualityMetricsMBean {
  long getRecords();

  /** Records that violated no rule. */
  long getPassed();

  long getTagged();

  long getDropped();

  long getFailed();

  /** Records whose checked part was null (handled by on.null). */
  long getNullRecords();
}
