package io.github.deltaconnect.quality.metrics;

/** Counters of one rule of one transform instance. */
public interface RuleCountersMBean {
  /** Records the rule was checked on (null records skipped by on.null=pass are not). */
  long getChecked();

  /** Records that violated the rule, whatever happened to them. */
  long getViolated();

  /** Records this rule failed (action=fail). */
  long getFailed();

  /** Records this rule dropped (action=drop, and no failing rule). */
  long getDropped();

  /** Records this rule tagged (action=tag, and no failing or dropping rule). */
  long getTagged();
}
