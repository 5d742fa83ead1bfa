package io.github.deltaconnect.sink.metrics;

import io.github.deltaconnect.sink.dedup.KeyIndex;

import io.github.deltaconnect.common.Jmx;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-task counters, exposed over JMX as
 * {@code io.github.deltaconnect:type=delta-sink-task-metrics,connector=<name>,task=<id>}.
 */
public final class SinkMetrics implements SinkMetricsMBean {
  private static final Logger LOG = LoggerFactory.getLogger(SinkMetrics.class);

  private static final int LATENCY_WINDOW = 256;

  private final AtomicLong recordsReceived = new AtomicLong();
  private final AtomicLong recordsWritten = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicLongArray dlqByReason =
      new java.util.concurrent.atomic.AtomicLongArray(DlqReason.values().length);
  /** The last LATENCY_WINDOW commit latencies (ms), for the percentiles. */
  private final long[] latencies = new long[LATENCY_WINDOW];
  private int latencyCount;
  private final java.util.Map<org.apache.kafka.common.TopicPartition, PartitionMetrics> partitions =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<org.apache.kafka.common.TopicPartition, ObjectName> partitionNames =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile WorkerConsumer consumer;
  private String beanPrefix;
  private final AtomicLong recordsToDlq = new AtomicLong();
  private final AtomicLong recordsSkipped = new AtomicLong();
  private final AtomicLong tombstonesIgnored = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong fencedBatches = new AtomicLong();
  private final AtomicLong commitsRecovered = new AtomicLong();
  private final AtomicLong filesKeptUnknownOutcome = new AtomicLong();
  private final AtomicLong filesWritten = new AtomicLong();
  private final AtomicLong bytesWritten = new AtomicLong();
  private final AtomicLong lastCommitMs = new AtomicLong();
  private final AtomicLong maxCommitMs = new AtomicLong();
  private final AtomicLong bufferedRecords = new AtomicLong();
  private final AtomicLong bufferedBytes = new AtomicLong();
  private final AtomicLong maxBufferedBytes = new AtomicLong();
  private final AtomicLong tableVersion = new AtomicLong(-1);
  private final AtomicLong gateAlerts = new AtomicLong();
  private final AtomicLong recordsQuarantined = new AtomicLong();
  private final AtomicLong gateHalts = new AtomicLong();
  private final AtomicLong compactions = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicLongArray flushes =
      new java.util.concurrent.atomic.AtomicLongArray(
          io.github.deltaconnect.sink.buffer.FlushPolicy.Reason.values().length);
  private final AtomicLong cpuNanos = new AtomicLong();
  /** Per table: the newest Kafka record time committed (ms), for FreshnessMs. */
  private final java.util.Map<String, Long> newestCommitted =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Set<String> slaBreached =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final AtomicLong slaBreaches = new AtomicLong();
  private java.util.function.LongSupplier clock = System::currentTimeMillis;
  private final AtomicLong filesCompacted = new AtomicLong();
  private final AtomicLong duplicatesInBatch = new AtomicLong();
  private final AtomicLong duplicatesInTable = new AtomicLong();
  /** The idempotency index the gauges read; null without a key. */
  private volatile KeyIndex keyIndex;
  private volatile io.github.deltaconnect.sink.lineage.LineageEmitter lineage;
  private ObjectName name;

  public void register(String connector, int task) {
    consumer = new WorkerConsumer(connector, task);
    String scope = ",connector=" + ObjectName.quote(connector) + ",task=" + task;
    beanPrefix = "io.github.deltaconnect:type=delta-sink-partition-metrics" + scope;
    try {
      name = new ObjectName("io.github.deltaconnect:type=delta-sink-task-metrics" + scope);
    } catch (javax.management.MalformedObjectNameException e) {
      LOG.warn("Could not register JMX metrics for {} task {}", connector, task, e);
      return;
    }
    if (!Jmx.register(this, name)) {
      name = null;
    }
  }

  public void unregister() {
    Jmx.unregisterQuietly(name);
    name = null;
    partitionNames.values().forEach(Jmx::unregisterQuietly);
    partitionNames.clear();
    partitions.clear();
  }

  /**
   * The gauges of an assigned partition, registered as
   * {@code io.github.deltaconnect:type=delta-sink-partition-metrics,connector=..,task=..,topic=..,
   * partition=..} on first use (once the task's bean is registered).
   */
  public PartitionMetrics partition(org.apache.kafka.common.TopicPartition tp) {
    PartitionMetrics existing = partitions.get(tp);
    if (existing != null) {
      return existing;
    }
    return partitions.computeIfAbsent(tp, p -> {
      WorkerConsumer c = consumer;
      PartitionMetrics m = new PartitionMetrics(c == null ? () -> -1
          : () -> c.recordsLag(p.topic(), p.partition()));
      if (beanPrefix != null) {
        try {
          ObjectName bean = new ObjectName(beanPrefix + ",topic=" + ObjectName.quote(p.topic())
              + ",partition=" + p.partition());
          if (Jmx.register(m, bean)) {
            partitionNames.put(p, bean);
          }
        } catch (javax.management.MalformedObjectNameException e) {
          LOG.warn("Could not register JMX metrics for partition {}", p, e);
        }
      }
      return m;
    });
  }

  /** The partitions left the task (a rebalance): their gauges go. */
  public void removePartitions(java.util.Collection<org.apache.kafka.common.TopicPartition> gone) {
    for (var tp : gone) {
      partitions.remove(tp);
      Jmx.unregisterQuietly(partitionNames.remove(tp));
    }
  }

  /** Connect delivered {@code records} to the task. */
  public void received(long records) {
    recordsReceived.addAndGet(records);
  }

  @Override
  public long getRecordsReceived() {
    return recordsReceived.get();
  }

  @Override
  public long getBytesIn() {
    WorkerConsumer c = consumer;
    return c == null ? -1 : c.bytesConsumed();
  }

  @Override
  public double getDataQualityScore() {
    long received = recordsReceived.get();
    if (received == 0) {
      return 1.0;
    }
    long bad = recordsToDlq.get() + recordsQuarantined.get();
    return Math.max(0.0, (double) (received - bad) / received);
  }

  private long dlq(DlqReason reason) {
    return dlqByReason.get(reason.ordinal());
  }

  @Override
  public long getRecordsToDlqByConversion() {
    return dlq(DlqReason.CONVERSION);
  }

  @Override
  public long getRecordsToDlqByUnknownField() {
    return dlq(DlqReason.UNKNOWN_FIELD);
  }

  @Override
  public long getRecordsToDlqByChangeEvent() {
    return dlq(DlqReason.CHANGE_EVENT);
  }

  @Override
  public long getRecordsToDlqByTombstone() {
    return dlq(DlqReason.TOMBSTONE);
  }

  @Override
  public long getRecordsToDlqByRouting() {
    return dlq(DlqReason.ROUTING);
  }

  private synchronized long latencyPercentile(double p) {
    int n = Math.min(latencyCount, LATENCY_WINDOW);
    if (n == 0) {
      return 0;
    }
    long[] sorted = java.util.Arrays.copyOf(latencies, n);
    java.util.Arrays.sort(sorted);
    return sorted[Math.min(n - 1, (int) Math.ceil(p * n) - 1)];
  }

  private synchronized void latency(long millis) {
    latencies[latencyCount % LATENCY_WINDOW] = millis;
    latencyCount++;
  }

  @Override
  public long getCommitLatencyP50Ms() {
    return latencyPercentile(0.50);
  }

  @Override
  public long getCommitLatencyP99Ms() {
    return latencyPercentile(0.99);
  }

  @Override
  public long getMeanFileBytes() {
    long files = filesWritten.get();
    return files == 0 ? 0 : bytesWritten.get() / files;
  }

  public void written(long records) {
    recordsWritten.addAndGet(records);
  }

  /** A committed batch broke {@code breaches} gates with action alert. */
  public void gateAlerts(int breaches) {
    gateAlerts.addAndGet(breaches);
  }

  /** A quarantine gate sent a batch of {@code records} to the quarantine table. */
  public void quarantined(long records) {
    recordsQuarantined.addAndGet(records);
  }

  @Override
  public long getRecordsQuarantined() {
    return recordsQuarantined.get();
  }

  /** CPU time of the calling thread in ns, or 0 where the JVM does not measure it. */
  public static long threadCpuNanos() {
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : 0;
  }

  /** CPU the task's threads spent on its records (put, timed commits, commit thread). */
  public void cpu(long nanos) {
    if (nanos > 0) {
      cpuNanos.addAndGet(nanos);
    }
  }

  /** A batch was committed because of {@code reason}. */
  public void flushed(io.github.deltaconnect.sink.buffer.FlushPolicy.Reason reason) {
    flushes.incrementAndGet(reason.ordinal());
  }

  private long flushes(io.github.deltaconnect.sink.buffer.FlushPolicy.Reason... reasons) {
    long n = 0;
    for (var r : reasons) {
      n += flushes.get(r.ordinal());
    }
    return n;
  }

  @Override
  public long getTaskCpuMs() {
    return cpuNanos.get() / 1_000_000;
  }

  @Override
  public long getFlushesByRecords() {
    return flushes(io.github.deltaconnect.sink.buffer.FlushPolicy.Reason.RECORDS);
  }

  @Override
  public long getFlushesByBytes() {
    return flushes(io.github.deltaconnect.sink.buffer.FlushPolicy.Reason.BYTES);
  }

  @Override
  public long getFlushesByMemory() {
    return flushes(io.github.deltaconnect.sink.buffer.FlushPolicy.Reason.MEMORY);
  }

  @Override
  public long getFlushesByInterval() {
    return flushes(io.github.deltaconnect.sink.buffer.FlushPolicy.Reason.INTERVAL);
  }

  @Override
  public long getFlushesOnRebalance() {
    return flushes(io.github.deltaconnect.sink.buffer.FlushPolicy.Reason.CLOSE,
        io.github.deltaconnect.sink.buffer.FlushPolicy.Reason.STOP);
  }

  @Override
  public long getFlushesForSchemaChange() {
    return flushes(io.github.deltaconnect.sink.buffer.FlushPolicy.Reason.SCHEMA);
  }

  /** The clock FreshnessMs is measured with (tests). */
  public void clock(java.util.function.LongSupplier clock) {
    this.clock = clock;
  }

  /** {@code table} committed records up to Kafka record time {@code eventMs}. */
  public void committedEventTime(String table, long eventMs) {
    newestCommitted.merge(table, eventMs, Math::max);
  }

  /** {@code table} broke (true) or met again (false) its freshness SLA. */
  public void slaBreached(String table, boolean breached) {
    if (breached ? slaBreached.add(table) : slaBreached.remove(table)) {
      if (breached) {
        slaBreaches.incrementAndGet();
      }
    }
  }

  @Override
  public long getFreshnessMs() {
    long oldest = newestCommitted.values().stream().mapToLong(Long::longValue).min()
        .orElse(Long.MIN_VALUE);
    return oldest == Long.MIN_VALUE ? -1 : clock.getAsLong() - oldest;
  }

  @Override
  public int getFreshnessSlaBreachedTables() {
    return slaBreached.size();
  }

  @Override
  public long getFreshnessSlaBreaches() {
    return slaBreaches.get();
  }

  /** A compaction committed, rewriting {@code files} small files. */
  public void compacted(int files) {
    compactions.incrementAndGet();
    filesCompacted.addAndGet(files);
  }

  @Override
  public long getCompactions() {
    return compactions.get();
  }

  @Override
  public long getFilesCompacted() {
    return filesCompacted.get();
  }

  /** A halt_and_alert gate stopped a batch (and the task). */
  public void gateHalted() {
    gateHalts.incrementAndGet();
  }

  @Override
  public long getGateAlerts() {
    return gateAlerts.get();
  }

  @Override
  public long getGateHalts() {
    return gateHalts.get();
  }

  /** The task sends OpenLineage events through {@code emitter} (null: it does not). */
  public void lineage(io.github.deltaconnect.sink.lineage.LineageEmitter emitter) {
    this.lineage = emitter;
  }

  @Override
  public long getLineageEventsSent() {
    var l = lineage;
    return l == null ? 0 : l.sent();
  }

  @Override
  public long getLineageEventsFailed() {
    var l = lineage;
    return l == null ? 0 : l.failed();
  }

  /** The task deduplicates with {@code index} (null: it does not). */
  public void keyIndex(KeyIndex index) {
    this.keyIndex = index;
  }

  /** A record was dropped: its batch already held its idempotency key. */
  public void duplicateDropped() {
    duplicatesInBatch.incrementAndGet();
  }

  /** A commit left out {@code records} whose idempotency keys the table already held. */
  public void duplicatesInTable(long records) {
    duplicatesInTable.addAndGet(records);
  }

  @Override
  public long getDuplicatesDroppedInBatch() {
    return duplicatesInBatch.get();
  }

  @Override
  public long getDuplicatesDroppedInTable() {
    return duplicatesInTable.get();
  }

  @Override
  public long getIdempotencyKeys() {
    KeyIndex index = keyIndex;
    return index == null ? 0 : index.keys();
  }

  @Override
  public long getIdempotencySegments() {
    KeyIndex index = keyIndex;
    return index == null ? 0 : index.segments();
  }

  @Override
  public long getIdempotencyIndexHeapBytes() {
    KeyIndex index = keyIndex;
    return index == null ? 0 : index.heapBytes();
  }

  @Override
  public long getIdempotencyKeysEvicted() {
    KeyIndex index = keyIndex;
    return index == null ? 0 : index.evictedKeys();
  }

  public void toDlq(DlqReason reason) {
    recordsToDlq.incrementAndGet();
    dlqByReason.incrementAndGet(reason.ordinal());
  }

  public void skipped() {
    recordsSkipped.incrementAndGet();
  }

  public void tombstoneIgnored() {
    tombstonesIgnored.incrementAndGet();
  }

  public void fenced() {
    fencedBatches.incrementAndGet();
  }

  public void committed(long version, int files, long bytes, long millis) {
    commits.incrementAndGet();
    tableVersion.set(version);
    filesWritten.addAndGet(files);
    bytesWritten.addAndGet(bytes);
    lastCommitMs.set(millis);
    maxCommitMs.accumulateAndGet(millis, Math::max);
    latency(millis);
  }

  public void recovered() {
    commitsRecovered.incrementAndGet();
  }

  public void filesKept(int files) {
    filesKeptUnknownOutcome.addAndGet(files);
  }

  public void buffered(long records, long bytes) {
    bufferedRecords.set(records);
    bufferedBytes.set(bytes);
    maxBufferedBytes.accumulateAndGet(bytes, Math::max);
  }

  @Override
  public long getRecordsWritten() {
    return recordsWritten.get();
  }

  @Override
  public long getRecordsToDlq() {
    return recordsToDlq.get();
  }

  @Override
  public long getRecordsSkippedAlreadyInTable() {
    return recordsSkipped.get();
  }

  @Override
  public long getTombstonesIgnored() {
    return tombstonesIgnored.get();
  }

  @Override
  public long getCommits() {
    return commits.get();
  }

  @Override
  public long getFencedBatches() {
    return fencedBatches.get();
  }

  @Override
  public long getCommitsRecovered() {
    return commitsRecovered.get();
  }

  @Override
  public long getFilesKeptUnknownOutcome() {
    return filesKeptUnknownOutcome.get();
  }

  @Override
  public long getFilesWritten() {
    return filesWritten.get();
  }

  @Override
  public long getBytesWritten() {
    return bytesWritten.get();
  }

  @Override
  public long getLastCommitMs() {
    return lastCommitMs.get();
  }

  @Override
  public long getMaxCommitMs() {
    return maxCommitMs.get();
  }

  @Override
  public long getBufferedRecords() {
    return bufferedRecords.get();
  }

  @Override
  public long getBufferedBytes() {
    return bufferedBytes.get();
  }

  @Override
  public long getMaxBufferedBytes() {
    return maxBufferedBytes.get();
  }

  @Override
  public long getTableVersion() {
    return tableVersion.get();
  }
}
