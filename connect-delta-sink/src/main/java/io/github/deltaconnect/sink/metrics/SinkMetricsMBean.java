package io.github.deltaconnect.sink.metrics;

/** JMX view of a sink task's counters. */
public interface SinkMetricsMBean {
  long getRecordsWritten();

  long getRecordsToDlq();

  long getRecordsSkippedAlreadyInTable();

  long getTombstonesIgnored();

  long getCommits();

  long getFencedBatches();

  long getFilesWritten();

  long getBytesWritten();

  long getLastCommitMs();

  long getMaxCommitMs();

  long getBufferedRecords();

  long getBufferedBytes();

  long getMaxBufferedBytes();

  long getTableVersion();
}
