package io.github.deltaconnect.sink.metrics;

/** JMX view of one topic-partition a sink task is assigned. */
public interface PartitionMetricsMBean {
  /** The next offset of the partition the table holds: everything below it is committed; -1 before the task knows. */
  long getTableOffset();

  /** The highest offset the task has read from the partition, or -1. */
  long getLastReadOffset();

  /** Records read but not yet committed (buffered, in flight or waiting for the DLQ). */
  long getPendingRecords();

  /** The partition's end offset as the worker's consumer last saw it, or -1 when unknown. */
  long getLogEndOffset();

  /** Records in the partition the table does not hold yet: LogEndOffset - TableOffset; -1 when unknown. */
  long getLag();
}
