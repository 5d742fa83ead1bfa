package io.github.deltaconnect.quality.metrics;

import java.util.concurrent.atomic.LongAdder;

/** One rule's counters. */
public final class RuleCounters implements RuleCountersMBean {
  /** Every rule checks every non-null record, so "checked" is counted once, by the transform. */
  private final java.util.function.LongSupplier checked;
  private final LongAdder violated = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder tagged = new LongAdder();

  public RuleCounters(java.util.function.LongSupplier checked) {
    this.checked = checked;
  }

  public void violated() {
    violated.increment();
  }

  public void failed() {
    failed.increment();
  }

  public void dropped() {
    dropped.increment();
  }

  public void tagged() {
    tagged.increment();
  }

  @Override
  public long getChecked() {
    return checked.getAsLong();
  }

  @Override
  public long getViolated() {
    return violated.sum();
  }

  @Override
  public long getFailed() {
    return failed.sum();
  }

  @Override
  public long getDropped() {
    return dropped.sum();
  }

  @Override
  public long getTagged() {
    return tagged.sum();
  }
}
