package io.github.deltaconnect.sink.metrics;

/** JMX view of a sink task's counters. */
public interface SinkMetricsMBean {
  /** Records Connect delivered to the task (after converters and transforms). */
  long getRecordsReceived();

  /**
   * Bytes the worker's consumer fetched for the task (a cost input beside BytesWritten), or -1
   * when its metrics cannot be read.
   */
  long getBytesIn();

  long getRecordsWritten();

  long getRecordsToDlq();

  /** Records sent to the DLQ because their values do not fit the table. */
  long getRecordsToDlqByConversion();

  /** Records sent to the DLQ for fields the table lacks (schema evolution off). */
  long getRecordsToDlqByUnknownField();

  /** Change events (upsert mode) sent to the DLQ because they cannot be applied. */
  long getRecordsToDlqByChangeEvent();

  /** Tombstones sent to the DLQ (delta.tombstone.behavior=dlq). */
  long getRecordsToDlqByTombstone();

  /** Records sent to the DLQ because delta.route.field names no valid table. */
  long getRecordsToDlqByRouting();

  /**
   * Share of received records that reached the table: 1 - (DLQ + quarantined) / received, since
   * the task started; 1 before any record.
   */
  double getDataQualityScore();

  /** Median commit latency over the last 256 commits, ms. */
  long getCommitLatencyP50Ms();

  /** 99th percentile commit latency over the last 256 commits, ms. */
  long getCommitLatencyP99Ms();

  /** BytesWritten / FilesWritten: the mean size of the data files the task wrote. */
  long getMeanFileBytes();

  long getRecordsSkippedAlreadyInTable();

  long getTombstonesIgnored();

  long getCommits();

  long getFencedBatches();

  /** Commits whose call failed (e.g. a lost response) but which the log shows landed. */
  long getCommitsRecovered();

  /**
   * Data files left in place after a commit with an unknown outcome: possibly referenced by no
   * table version (orphans for VACUUM), never deleted by the sink.
   */
  long getFilesKeptUnknownOutcome();

  long getFilesWritten();

  long getBytesWritten();

  long getLastCommitMs();

  long getMaxCommitMs();

  long getBufferedRecords();

  long getBufferedBytes();

  long getMaxBufferedBytes();

  long getTableVersion();

  /**
   * Records dropped because an earlier record of the same batch had their idempotency key
   * (keep=first), or replaced by a later one (keep=last).
   */
  long getDuplicatesDroppedInBatch();

  /** Records left out of a commit because the table already held their idempotency key. */
  long getDuplicatesDroppedInTable();

  /** Keys in the idempotency index the task holds in memory (0 without a key). */
  long getIdempotencyKeys();

  long getIdempotencySegments();

  /** Heap the idempotency index takes: 16 bytes per key. */
  long getIdempotencyIndexHeapBytes();

  /** Keys forgotten before their window ended, because delta.idempotency.max.keys was reached. */
  long getIdempotencyKeysEvicted();

  /** Gates with action alert that committed batches broke. */
  long getGateAlerts();

  /** Records a quarantine gate sent to the quarantine table. */
  long getRecordsQuarantined();

  /** Batches a halt_and_alert gate stopped (each stops the task). */
  long getGateHalts();

  /** Compactions (delta.compaction.enabled) this task committed. */
  long getCompactions();

  /** Small files those compactions replaced. */
  long getFilesCompacted();

  /**
   * Now minus the newest Kafka record time committed, in ms (the stalest of the task's tables);
   * -1 before the first commit.
   */
  long getFreshnessMs();

  /** Tables of the task in breach of delta.sla.freshness now. */
  int getFreshnessSlaBreachedTables();

  /** Freshness SLA breaches raised since the task started. */
  long getFreshnessSlaBreaches();

  /** CPU time the task's threads spent on its records (put, timed and background commits), ms. */
  long getTaskCpuMs();

  /** Batches committed because they reached delta.flush.size. */
  long getFlushesByRecords();

  /** Batches committed because they reached delta.flush.bytes. */
  long getFlushesByBytes();

  /** Batches committed early to stay within delta.buffer.memory.bytes. */
  long getFlushesByMemory();

  /** Batches committed because delta.flush.interval.ms passed. */
  long getFlushesByInterval();

  /** Batches committed because partitions were revoked or the task stopped. */
  long getFlushesOnRebalance();

  /** Batches committed before a schema change (added columns). */
  long getFlushesForSchemaChange();

  /** OpenLineage run events the receiver accepted (delta.lineage.openlineage.url). */
  long getLineageEventsSent();

  /** OpenLineage run events not delivered (refused, unreachable, or dropped from a full queue). */
  long getLineageEventsFailed();
}
