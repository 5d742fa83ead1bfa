package io.github.deltaconnect.sink.route;

import io.github.deltaconnect.sink.TableSink;
import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.errors.ErrantRecords;
import io.github.deltaconnect.sink.metrics.SinkMetrics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's tables: one, or one per topic or routing-field value (created on first use), each a
 * {@link TableSink} with its own offsets and commit cadence, all sharing the task's filesystems and
 * memory budget.
 *
 * <p>Routed by topic, each partition feeds one table, whose stored offsets stay the resume point.
 * Routed by a field, a partition feeds many tables: a partition then resumes from the consumer
 * group's offset, which this router reports only up to the first record some table still waits
 * to commit; each table skips the records it already holds (its stored offsets), so a record is
 * written once whichever table took it. Rewinds a table asks for (a fenced batch) apply to the
 * whole partition at the lowest offset asked, and the rest of the partition's records in that
 * put() are left for the redelivery.
 */
public final class TableRouter {
  private static final Logger LOG = LoggerFactory.getLogger(TableRouter.class);

  private final DeltaSinkConfig config;
  private final SinkTaskContext context;
  private final String connectorId;
  private final int taskId;
  private final SinkMetrics metrics;
  private final LongSupplier clock;
  private final Destinations destinations;
  /** Owns the task's filesystems; every table is opened beside it. Null when not routed. */
  private final DeltaTable root;
  /** Tables by location (the ticker thread reads it while the task thread adds tables). */
  private final Map<String, TableSink> sinks = new java.util.concurrent.ConcurrentHashMap<>();
  private final Set<TopicPartition> assigned = new HashSet<>();
  /** Field routing: the last offset routed (to a table or the DLQ) per partition. */
  private final Map<TopicPartition, Long> routed = new HashMap<>();
  /** Partitions rewound in this put(): their remaining records come again. */
  private final Set<TopicPartition> rewound = new HashSet<>();
  /** Lowest rewind asked for per partition in this put(). */
  private final Map<TopicPartition, Long> rewinds = new HashMap<>();
  private final ErrantRecords errant;
  private final SinkTaskContext tableContext;
  /** Field routing: when each table last took a record (a counter), to close the idlest. */
  private final Map<TableSink, Long> lastUsed = new HashMap<>();
  /** OpenLineage events of every table's commits (null: none sent); the task's, closed in stop. */
  private final io.github.deltaconnect.sink.lineage.LineageEmitter lineage;
  private long uses;

  /** One table at {@code table} (not routed), or a router over {@code config}'s template. */
  public TableRouter(DeltaSinkConfig config, SinkTaskContext context, DeltaTable table,
      String connectorId, int taskId, SinkMetrics metrics, LongSupplier clock) {
    this.config = config;
    this.context = context;
    this.connectorId = connectorId;
    this.taskId = taskId;
    this.metrics = metrics;
    this.clock = clock;
    this.destinations = new Destinations(config);
    this.errant = new ErrantRecords(ErrantRecords.reporterOf(context));
    this.tableContext = new RewindingContext();
    this.lineage = io.github.deltaconnect.sink.lineage.LineageEmitter.of(config, connectorId,
        taskId);
    metrics.lineage(lineage);
    if (config.routed()) {
      this.root = table;
    } else {
      this.root = null;
      sinks.put(table.location(), new TableSink(config, context, table, connectorId, taskId,
          metrics, clock, true, lineage));
    }
  }

  private boolean single() {
    return root == null;
  }

  public void open(Collection<TopicPartition> partitions) {
    assigned.addAll(partitions);
    partitions.forEach(metrics::partition);
    if (single()) {
      only().open(partitions);
      return;
    }
    if (destinations.byField()) {
      // The consumer group's offsets decide; tables already open learn what they hold.
      sinks.values().forEach(s -> s.open(partitions));
      return;
    }
    Map<Destinations.Destination, List<TopicPartition>> byTable = new LinkedHashMap<>();
    for (TopicPartition tp : partitions) {
      byTable.computeIfAbsent(destinations.ofTopic(tp.topic()), d -> new ArrayList<>()).add(tp);
    }
    byTable.forEach((destination, tps) -> sink(destination).open(tps));
  }

  public void put(Collection<SinkRecord> records) {
    noteRead(records);
    if (single()) {
      only().put(records);
      return;
    }
    rewound.clear();
    rewinds.clear();
    List<SinkRecord> run = new ArrayList<>();
    TableSink runSink = null;
    String runTable = null;
    for (SinkRecord record : records) {
      TopicPartition tp = new TopicPartition(record.topic(), record.kafkaPartition());
      if (rewound.contains(tp)) {
        continue; // a table rewound the partition: this record comes again
      }
      Destinations.Destination destination;
      try {
        destination = destinations.of(record);
      } catch (io.github.deltaconnect.sink.convert.DataException e) {
        LOG.debug("{} goes to the DLQ: {}", ErrantRecords.describe(record), e.getMessage());
        deliver(runSink, run);
        runSink = null;
        runTable = null;
        errant.report(record, e);
        metrics.toDlq(io.github.deltaconnect.sink.metrics.DlqReason.ROUTING);
        routed.merge(tp, record.kafkaOffset(), Math::max);
        continue;
      }
      String table = DeltaTable.qualify(destination.location());
      if (!table.equals(runTable)) {
        // Delivered before another table is looked up: opening one may close the idlest.
        deliver(runSink, run);
        runSink = sink(destination);
        runTable = table;
      }
      run.add(record);
    }
    deliver(runSink, run);
  }

  /** Hands a run of records to its table, then keeps the task within its memory budget. */
  /** Counts the records and moves each partition's last read offset (once per run of it). */
  private void noteRead(Collection<SinkRecord> records) {
    metrics.received(records.size());
    String topic = null;
    int partition = -1;
    long last = -1;
    for (SinkRecord r : records) {
      if (r.kafkaPartition() != partition || !r.topic().equals(topic)) {
        if (topic != null) {
          metrics.partition(new TopicPartition(topic, partition)).read(last);
        }
        topic = r.topic();
        partition = r.kafkaPartition();
      }
      last = r.kafkaOffset();
    }
    if (topic != null) {
      metrics.partition(new TopicPartition(topic, partition)).read(last);
    }
  }

  private void deliver(TableSink sink, List<SinkRecord> run) {
    if (sink == null || run.isEmpty()) {
      run.clear();
      return;
    }
    // No record of a rewound partition is in the run: put() checks before adding, and nothing
    // between adding and here rewinds (opening a table does not; closing one closes its
    // partitions, which are not rewound).
    lastUsed.put(sink, ++uses);
    sink.put(run);
    for (SinkRecord r : run) {
      TopicPartition tp = new TopicPartition(r.topic(), r.kafkaPartition());
      if (!rewound.contains(tp)) {
        routed.merge(tp, r.kafkaOffset(), Math::max);
      }
    }
    run.clear();
    // Each table keeps its own budget; together they keep the task's: the largest commits first.
    while (heldBytes() > config.bufferMemoryBytes()) {
      TableSink largest = null;
      long most = 0;
      for (TableSink s : sinks.values()) {
        long bytes = s.heldBytes();
        if (bytes > most) {
          largest = s;
          most = bytes;
        }
      }
      if (largest == null) {
        return;
      }
      largest.flushForMemory();
      if (largest.heldBytes() >= most) {
        return; // nothing freed (a failed task keeps nothing): do not spin
      }
    }
  }

  /** Heap held by every table's buffered rows and batches in flight. */
  public long heldBytes() {
    long held = 0;
    for (TableSink s : sinks.values()) {
      held += s.heldBytes();
    }
    return held;
  }

  public Map<TopicPartition, OffsetAndMetadata> preCommit(
      Map<TopicPartition, OffsetAndMetadata> current) {
    if (single()) {
      return only().preCommit(current);
    }
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    for (TableSink s : sinks.values()) {
      Map<TopicPartition, OffsetAndMetadata> fromTable = s.preCommit(current);
      if (!destinations.byField()) {
        out.putAll(fromTable); // each partition has one table
      }
    }
    if (destinations.byField()) {
      errant.awaitAll(); // the DLQ holds every routing failure the offsets cover
      for (TopicPartition tp : current.keySet()) {
        Long last = routed.get(tp);
        if (last == null) {
          continue;
        }
        long safe = last + 1;
        for (TableSink s : sinks.values()) {
          long pending = s.firstPendingOffset(tp);
          if (pending >= 0) {
            safe = Math.min(safe, pending);
          }
        }
        out.put(tp, new OffsetAndMetadata(safe));
        metrics.partition(tp).tableOffset(safe);
      }
    }
    return out;
  }

  public void close(Collection<TopicPartition> partitions) {
    try {
      closeTables(partitions);
    } finally {
      metrics.removePartitions(partitions);
    }
  }

  private void closeTables(Collection<TopicPartition> partitions) {
    if (single()) {
      only().close(partitions);
      return;
    }
    RuntimeException first = null;
    for (TableSink s : sinks.values()) {
      try {
        s.close(partitions);
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    assigned.removeAll(partitions);
    partitions.forEach(routed::remove);
    if (first != null) {
      throw first;
    }
  }

  public void tick() {
    for (TableSink s : List.copyOf(sinks.values())) {
      s.tick();
    }
  }

  /**
   * Stops every table (commit threads first), then closes the shared filesystems and unregisters
   * the task's metrics.
   */
  public void stop() {
    try {
      for (TableSink s : sinks.values()) {
        try {
          s.stop();
        } catch (RuntimeException e) {
          LOG.warn("Stopping the sink of one table failed", e);
        }
      }
    } finally {
      try {
        if (lineage != null) {
          lineage.close(); // after the tables: their last commits' events go out first
        }
        if (root != null) {
          root.close();
        }
      } finally {
        metrics.unregister();
      }
    }
  }

  /** The tables this task has opened, by location. */
  public Set<String> tables() {
    return sinks.keySet();
  }

  /**
   * Commits and closes the table that took a record longest ago, so a task routing to many values
   * keeps a bounded number of tables (threads, buffers) open; it opens again on its next record,
   * reading its offsets back to skip what it holds.
   */
  private void closeIdlest() {
    Map.Entry<String, TableSink> idlest = null;
    for (Map.Entry<String, TableSink> e : sinks.entrySet()) {
      if (idlest == null || lastUsed.getOrDefault(e.getValue(), 0L)
          < lastUsed.getOrDefault(idlest.getValue(), 0L)) {
        idlest = e;
      }
    }
    if (idlest == null) {
      return;
    }
    TableSink s = idlest.getValue();
    s.close(assigned); // commits what it buffered
    s.stop();
    sinks.remove(idlest.getKey());
    lastUsed.remove(s);
    LOG.info("Task {} closed table {}, the idlest of {} open ({}={})", taskId, idlest.getKey(),
        sinks.size() + 1, DeltaSinkConfig.ROUTE_MAX_TABLES, config.routeMaxTables());
  }

  private TableSink only() {
    return sinks.values().iterator().next();
  }

  private synchronized TableSink sink(Destinations.Destination d) {
    TableSink s = sinks.get(DeltaTable.qualify(d.location()));
    if (s != null) {
      return s;
    }
    if (destinations.byField() && sinks.size() >= config.routeMaxTables()) {
      closeIdlest();
    }
    DeltaTable table = root.beside(d.location());
    DeltaSinkConfig tableConfig;
    try {
      tableConfig = config.forTable(d.location(), d.quarantine());
    } catch (org.apache.kafka.common.config.ConfigException e) {
      throw new io.github.deltaconnect.sink.convert.DataException("no table can be made at "
          + d.location() + ": " + e.getMessage(), e);
    }
    s = new TableSink(tableConfig, tableContext, table, connectorId, taskId, metrics, clock,
        !destinations.byField(), lineage);
    sinks.put(table.location(), s);
    LOG.info("Task {} writes to table {} ({} tables open)", taskId, table.location(),
        sinks.size());
    if (destinations.byField() && !assigned.isEmpty()) {
      s.open(assigned); // learns what the table holds, to skip it
    }
    return s;
  }


  /**
   * The context the tables see: a rewind is applied to the partition at the lowest offset any
   * table asked for in this put(), and the partition's further records in this put() are skipped.
   */
  private final class RewindingContext implements SinkTaskContext {
    @Override
    public Map<String, String> configs() {
      return context.configs();
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
      offsets.forEach(this::offset);
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
      long to = rewinds.merge(tp, offset, Math::min);
      context.offset(tp, to);
      rewound.add(tp);
      routed.computeIfPresent(tp, (k, last) -> Math.min(last, to - 1));
    }

    @Override
    public void timeout(long timeoutMs) {
      context.timeout(timeoutMs);
    }

    @Override
    public Set<TopicPartition> assignment() {
      return context.assignment();
    }

    @Override
    public void pause(TopicPartition... partitions) {
      context.pause(partitions);
    }

    @Override
    public void resume(TopicPartition... partitions) {
      context.resume(partitions);
    }

    @Override
    public void requestCommit() {
      context.requestCommit();
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
      return ErrantRecords.reporterOf(context);
    }
  }
}
