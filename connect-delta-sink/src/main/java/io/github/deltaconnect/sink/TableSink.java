package io.github.deltaconnect.sink;

import io.delta.kernel.Snapshot;
import io.delta.kernel.types.StructType;
import io.github.deltaconnect.sink.buffer.FlushPolicy;
import io.github.deltaconnect.sink.buffer.RecordBuffer;
import io.github.deltaconnect.sink.buffer.SizeEstimator;
import io.github.deltaconnect.sink.commit.AsyncCommitter;
import io.github.deltaconnect.sink.commit.BatchCommitter;
import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.commit.FaultPoint;
import io.github.deltaconnect.sink.commit.UnknownOutcomeException;
import io.github.deltaconnect.registry.HttpSchemaRegistry;
import io.github.deltaconnect.sink.gate.Alerts;
import io.github.deltaconnect.sink.gate.GateHalted;
import io.github.deltaconnect.sink.gate.GateMetric;
import io.github.deltaconnect.sink.gate.GateAction;
import io.github.deltaconnect.sink.gate.GateDecision;
import io.github.deltaconnect.sink.gate.Gates;
import io.github.deltaconnect.sink.gate.RegistryCheck;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.config.NullPartitionBehavior;
import io.github.deltaconnect.sink.config.SchemaEvolution;
import io.github.deltaconnect.sink.config.TombstoneBehavior;
import io.github.deltaconnect.sink.convert.DataException;
import io.github.deltaconnect.sink.convert.RowConverter;
import io.github.deltaconnect.sink.convert.SchemaMapping;
import io.github.deltaconnect.sink.convert.SchemaMerge;
import io.github.deltaconnect.sink.convert.UnknownFieldException;
import io.github.deltaconnect.sink.config.DuplicateKeep;
import io.github.deltaconnect.sink.config.WriteMode;
import io.github.deltaconnect.sink.cdc.ChangeEvent;
import io.github.deltaconnect.sink.cdc.ChangeReader;
import io.github.deltaconnect.sink.cdc.Upserts;
import io.github.deltaconnect.sink.dedup.KeyColumns;
import io.github.deltaconnect.sink.dedup.KeyHasher;
import io.github.deltaconnect.sink.dedup.KeyIndex;
import io.github.deltaconnect.sink.errors.ErrantRecords;
import io.github.deltaconnect.sink.metrics.DlqReason;
import io.github.deltaconnect.sink.metrics.SinkMetrics;
import io.github.deltaconnect.sink.offsets.OffsetDomain;
import io.github.deltaconnect.sink.write.PartitionValues;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record path of one sink task: skip what the table already holds, convert, buffer by table
 * partition, and commit a batch (files + offsets) when the flush policy says so. The table's stored
 * offsets, not the consumer group's, decide where each partition resumes.
 */
public final class TableSink {
  private static final Logger LOG = LoggerFactory.getLogger(TableSink.class);

  private final DeltaSinkConfig config;
  private final SinkTaskContext context;
  private final DeltaTable table;
  private final OffsetDomain domain;
  private final BatchCommitter committer;
  private final FlushPolicy policy;
  private final ErrantRecords errant;
  private final SinkMetrics metrics;
  private final LongSupplier clock;
  private final int taskId;
  /** The quarantine table (beside the table, sharing its filesystems), or null. */
  private final DeltaTable quarantine;
  /** Where gate breaches go (log, webhook); null without gates. Closed in stop(). */
  private final Alerts alerts;
  /** The Schema Registry client of registry_validation gates, or null. Closed in stop(). */
  private final RegistryCheck registryCheck;
  /** The configured gates, shared with the committer. */
  private final Gates gates;
  /** The last record schema noted in {@link #noted}, so a run of records notes it once. */
  private Schema notedSchema;
  private String notedTopic;
  private RecordBuffer noted;
  /** The quality rules' violation header, when a data_quality_score gate needs it; else null. */
  private final String tagHeader;
  /** delta.buffer.memory.bytes, read once: the record path checks it per record. */
  private final long memoryBudget;
  /** The batch being filled; a full one is handed to {@link #async} and replaced. */
  private RecordBuffer buffer = new RecordBuffer();
  /** Commits in the background when pipelining is on (null otherwise). */
  private final AsyncCommitter async;
  /** Last offset durably in the table, per assigned partition that has one. */
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  /**
   * Partitions in a replace-mode replay: the last offset whose earlier rows the replay replaces.
   * Records the converter or a transform leaves out never reach put(), so the offsets Connect
   * consumed are marked in the batch, to replace the earlier rows of those too.
   */
  private final Map<TopicPartition, Long> replayUntil = new HashMap<>();
  /** Partitions rewound in this put(): their remaining records were fetched before the seek. */
  private final Set<TopicPartition> rewound = new HashSet<>();
  /** Rewinds decided off the task thread, handed to Connect at the next put(). */
  private final Map<TopicPartition, Long> pendingRewinds = new HashMap<>();
  /** The commit failure that ended this task's usefulness, rethrown by put(). */
  private RuntimeException failure;
  private RowConverter converter;
  private PartitionValues partitioning;
  /** With delta.idempotency.key: the keys the table holds (used by the commit thread). */
  private final KeyIndex keyIndex;
  /** The key fields in the table's schema; null without a key or before the schema is known. */
  private KeyColumns keyColumns;
  private final KeyHasher hasher = new KeyHasher();
  private final boolean keepLast;
  /** With delta.write.mode=upsert: key and ordering column (shared with the committer); else null. */
  private final Upserts upserts;
  private final ChangeReader changes;
  /** The ordering column's position in converted rows, or -1. */
  private int orderOrdinal = -1;
  private boolean stopped;
  /** delta.sla.freshness in ms, 0 for none; and the breach state last reported. */
  private final long slaMs;
  private boolean slaBreached;
  /** The newest Kafka record time committed to this table, or Long.MIN_VALUE. */
  private long newestCommittedEventMs = Long.MIN_VALUE;
  /** Whether open() rewinds partitions to the table's offsets. */
  private final boolean resumeFromTable;
  /** Where each commit is announced as an OpenLineage run event; null: nowhere. */
  private final io.github.deltaconnect.sink.lineage.LineageEmitter lineage;
  /** A commit failed: the task is dying, and whatever is buffered is left to its successor. */
  private boolean failed;
  private TopicPartition lastPartition;
  /**
   * One instance per topic-partition, so the per-record map lookups (committed, buffered and
   * in-flight offsets) match by identity instead of comparing topic names.
   */
  private final Map<TopicPartition, TopicPartition> instances = new HashMap<>();

  public TableSink(DeltaSinkConfig config, SinkTaskContext context, DeltaTable table,
      String connectorId, int taskId, SinkMetrics metrics, LongSupplier clock) {
    this(config, context, table, connectorId, taskId, metrics, clock, true, null);
  }

  /**
   * {@code resumeFromTable}: the table's offsets are where each partition resumes (the table
   * receives every record of its partitions). False when a routing field spreads a partition over
   * many tables: the consumer group's offsets decide, and the table only skips what it holds.
   */
  public TableSink(DeltaSinkConfig config, SinkTaskContext context, DeltaTable table,
      String connectorId, int taskId, SinkMetrics metrics, LongSupplier clock,
      boolean resumeFromTable, io.github.deltaconnect.sink.lineage.LineageEmitter lineage) {
    this.resumeFromTable = resumeFromTable;
    this.lineage = lineage;
    this.config = config;
    this.context = context;
    this.table = table;
    this.domain = new OffsetDomain(connectorId);
    this.slaMs = config.slaFreshnessMs();
    this.alerts = config.gates().isEmpty() && slaMs <= 0 ? null : new Alerts(config.gatesWebhook(),
        config.gatesWebhookTimeout(), config.gatesWebhookRetries(), config.gatesWebhookBackoff(),
        "delta-sink-alerts-" + connectorId + "-" + taskId);
    boolean addColumns = config.schemaEvolution() == SchemaEvolution.ADD_COLUMNS;
    this.quarantine = config.quarantines() ? table.beside(config.quarantineLocation()) : null;
    BatchCommitter quarantineCommitter = quarantine == null ? null
        : new BatchCommitter(quarantine, domain, taskId, config.commitRetries(),
            config.checkpointInterval(), addColumns, FaultPoint.parse(""));
    this.registryCheck = config.gates().stream()
        .noneMatch(g -> g.action() == GateAction.REGISTRY_VALIDATION) ? null
        : new RegistryCheck(new HttpSchemaRegistry(config.gatesRegistry().orElseThrow()));
    this.gates = new Gates(config.gates(), registryCheck);
    this.keyIndex = config.idempotencyKey().isEmpty() ? null
        : new KeyIndex(table.location(), table.fileSystems(), config.idempotencyKey(),
            config.idempotencyWindowMs(), config.idempotencyMaxKeys());
    this.keepLast = config.duplicateKeep() == DuplicateKeep.LAST;
    boolean upsert = config.writeMode() == WriteMode.UPSERT;
    // With an ordering field the table remembers each delete's order (files under _sink_keys/).
    KeyIndex deletes = upsert && config.upsertOrderColumn() != null
        ? new KeyIndex(table.location(), table.fileSystems(), List.of("upsert-deletes"),
            Upserts.DELETES_DOMAIN, "deletes", config.upsertDeleteRetentionMs(),
            config.idempotencyMaxKeys())
        : null;
    this.upserts = upsert ? new Upserts(config.upsertKey(), config.upsertOrderColumn(), deletes)
        : null;
    this.changes = upsert
        ? new ChangeReader(config.upsertOrderField(), DeltaSinkConfig.UPSERT_ORDER_FIELD) : null;
    this.committer = new BatchCommitter(table, domain, taskId, config.commitRetries(),
        config.checkpointInterval(), addColumns, FaultPoint.parse(config.testFault()),
        gates, alerts, quarantineCommitter, clock, keyIndex, upserts);
    metrics.keyIndex(keyIndex);
    if (config.compactionEnabled()) {
      committer.compactAfterCommits(new io.github.deltaconnect.sink.maintenance.Compactor(table,
          config.compactionSmallFileBytes(), config.compactionMinFiles(),
          "kafka-connect-delta-sink compaction connector=" + connectorId + " task=" + taskId),
          metrics::compacted);
    }
    // Counting tagged rows costs a header lookup per record: only when a gate reads them.
    this.tagHeader = config.gates().stream()
        .anyMatch(g -> g.metric() instanceof GateMetric.QualityScore)
        ? config.gatesTagHeader() : null;
    // Pipelined, a batch in flight and the one filling share the budget: each gets half.
    long batchBudget = config.commitPipelined() ? config.bufferMemoryBytes() / 2
        : config.bufferMemoryBytes();
    this.policy = new FlushPolicy(config.flushSize(), Math.min(config.flushBytes(), batchBudget),
        batchBudget, config.flushIntervalMs());
    this.async = config.commitPipelined()
        ? new AsyncCommitter(committer, "delta-sink-commit-" + connectorId + "-" + taskId, clock)
        : null;
    this.errant = new ErrantRecords(ErrantRecords.reporterOf(context));
    this.metrics = metrics;
    this.clock = clock;
    this.taskId = taskId;
    this.memoryBudget = config.bufferMemoryBytes();
  }

  /**
   * Resumes each partition right after the offset the table stores for it (or the quarantine
   * table, when a later batch of the partition was quarantined).
   */
  public synchronized void open(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> instances.putIfAbsent(tp, tp));
    Optional<Snapshot> snapshot = table.latest();
    Map<TopicPartition, Long> stored = new HashMap<>();
    if (snapshot.isPresent()) {
      if (config.enableDomainMetadata()) {
        snapshot = Optional.of(committer.enableDomainMetadata(snapshot.get()));
      }
      BatchCommitter.checkWritable(snapshot.get()); // fail now, not at the first commit
      DeltaTable.stored(snapshot.get(), domain, partitions).forEach((tp, held) -> {
        stored.put(tp, held.offset());
        if (held.replaying()) {
          replayUntil.put(tp, held.replaceUntil());
          LOG.info("{} replays in replace mode: the rows of offsets {}..{} in {} are replaced as"
              + " the replay passes them", tp, held.offset() + 1, held.replaceUntil(),
              table.location());
        }
      });
    }
    Map<TopicPartition, Long> quarantined = quarantine == null ? Map.of()
        : quarantine.latest().map(q -> DeltaTable.storedOffsets(q, domain, partitions))
            .orElse(Map.of());
    quarantined.forEach((tp, offset) -> stored.merge(tp, offset, Math::max));
    if (snapshot.isEmpty() && quarantined.isEmpty()) {
      LOG.info("No Delta table at {} yet; {} start from the consumer group's offsets",
          table.location(), partitions);
      return;
    }
    if (resumeFromTable) {
      stored.forEach((tp, offset) -> context.offset(tp, offset + 1));
    }
    committed.putAll(stored);
    publishTableOffsets(stored);
    LOG.info("Opened {} at table {} version {}; resuming after stored offsets {}{}", partitions,
        table.location(), snapshot.map(Snapshot::getVersion).orElse(-1L), stored,
        quarantined.isEmpty() ? "" : " (quarantine table: " + quarantined + ")");
  }

  public synchronized void put(Collection<SinkRecord> records) {
    if (failure != null) {
      throw failure;
    }
    long cpu = SinkMetrics.threadCpuNanos();
    try {
      rewound.clear();
      pendingRewinds.forEach((tp, offset) -> {
        context.offset(tp, offset);
        rewound.add(tp);
      });
      pendingRewinds.clear();
      for (SinkRecord record : records) {
        accept(record);
        metrics.buffered(buffer.records(), buffer.bytes());
        flushIfDue(clock.getAsLong()); // per record: the memory budget holds within one put()
      }
      flushIfDue(clock.getAsLong());
      metrics.buffered(buffer.records(), buffer.bytes());
    } catch (RuntimeException e) {
      // The task dies with this; close() must not commit what is buffered past the failure.
      fail(e);
      throw e;
    } finally {
      metrics.cpu(SinkMetrics.threadCpuNanos() - cpu);
    }
  }

  private void accept(SinkRecord record) {
    TopicPartition tp = partitionOf(record);
    long offset = record.kafkaOffset();
    if (!rewound.isEmpty() && rewound.contains(tp)) {
      return; // fetched before the rewind; Connect delivers it again
    }
    Long done = committed.get(tp);
    if ((done != null && offset <= done) || offset <= buffer.lastOffset(tp)
        || (async != null && offset <= async.pendingLastOffset(tp))) {
      metrics.skipped();
      return;
    }
    long now = clock.getAsLong();
    buffer.noteEventTime(record.timestamp() != null && record.timestamp() >= 0
        ? record.timestamp() : now);
    if (upserts == null && record.value() == null) {
      tombstone(record, tp, now);
      return;
    }
    try {
      ChangeEvent change = upserts == null ? null : changes.read(record);
      Object[] row = change == null ? convert(record, tp) : changeRow(change, tp, now);
      if (row == null) {
        return; // a flush on the way rewound this partition: the record comes again
      }
      boolean delete = change != null && change.op() == ChangeEvent.Op.DELETE;
      if (config.nullPartitionBehavior() == NullPartitionBehavior.DLQ && !delete) {
        List<String> nulls = partitioning.nullColumns(row);
        if (!nulls.isEmpty()) {
          throw new DataException("partition column(s) " + nulls + " are null");
        }
      }
      long rowBytes = SizeEstimator.row(row);
      if (rowBytes > memoryBudget) {
        throw new DataException("record too large: about " + rowBytes + " bytes in memory, more than "
            + DeltaSinkConfig.BUFFER_MEMORY_BYTES + "=" + config.bufferMemoryBytes());
      }
      if (policy.wouldExceedBudget(buffer, rowBytes)) {
        flush(FlushPolicy.Reason.MEMORY, Set.of(), false);
        if (rewound.contains(tp)) {
          return; // the flush was fenced and rewound this partition: the record comes again
        }
      }
      if (async != null && async.busy()
          && buffer.bytes() + async.pendingBytes() + rowBytes > memoryBudget) {
        awaitInFlight(Set.of(), false); // the budget covers the batch in flight too
        if (rewound.contains(tp)) {
          return;
        }
      }
      if (change != null) {
        int superseded = buffer.duplicates() + buffer.stale();
        addChange(change, tp, row, now, delete);
        if (buffer.duplicates() + buffer.stale() != superseded) {
          metrics.duplicateDropped(); // this change or the one it replaced
        }
      } else if (keyColumns == null) {
        buffer.add(tp, offset, partitioning.key(row), converter.tableSchema(), row, now);
      } else {
        int duplicates = buffer.duplicates();
        boolean kept = addKeyed(record, tp, row, now);
        if (buffer.duplicates() != duplicates) {
          metrics.duplicateDropped(); // this record or the one it replaced
        }
        if (!kept) {
          return;
        }
      }
      if (tagHeader != null && record.headers().lastWithName(tagHeader) != null) {
        buffer.markTagged();
      }
      if (registryCheck != null) {
        noteSchema(record);
      }
    } catch (org.apache.kafka.connect.errors.DataException e) {
      toDlq(record, tp, e, reasonOf(e), now);
    }
  }

  /**
   * Buffers a row under its idempotency key; false when the batch already holds the key and the
   * first record wins (the offset is consumed, the row dropped).
   */
  private boolean addKeyed(SinkRecord record, TopicPartition tp, Object[] row, long now) {
    Object[] values = keyColumns.values(row);
    if (values == null) {
      throw new DataException("idempotency key " + keyColumns.names() + " is null in every field ("
          + DeltaSinkConfig.IDEMPOTENCY_KEY + ")");
    }
    hasher.hash(values);
    // Kafka's record time stands for event time: the window is measured on it.
    long ts = record.timestamp() != null && record.timestamp() >= 0 ? record.timestamp() : now;
    return buffer.addKeyed(tp, record.kafkaOffset(), partitioning.key(row),
        converter.tableSchema(), row, now, hasher.hi(), hasher.lo(), ts, keepLast);
  }

  /**
   * The row of a change: the converted image (a delete's only needs its key), with the ordering
   * value in its column. Null when the record's partition was rewound (it comes again), or when a
   * delete finds no table (nothing to delete; the offset is consumed).
   */
  private Object[] changeRow(ChangeEvent change, TopicPartition tp, long now) {
    SinkRecord image = change.image();
    List<String> key = upserts.key(image);
    Object[] row;
    if (change.op() == ChangeEvent.Op.DELETE) {
      if (converter == null && table.latest().isEmpty()) {
        buffer.consumed(tp, image.kafkaOffset(), now);
        return null;
      }
      try {
        row = converter(image).convert(image);
      } catch (UnknownFieldException e) {
        throw new DataException("the delete's image has " + e.getMessage() + ", which the table"
            + " does not have", e);
      }
    } else {
      row = convert(image, tp);
      if (row == null) {
        return null;
      }
    }
    if (keyColumns == null) {
      keyColumns = KeyColumns.resolve(key, converter.tableSchema(), DeltaSinkConfig.UPSERT_KEY);
    }
    if (orderOrdinal >= 0) {
      row[orderOrdinal] = change.order();
    }
    return row;
  }

  /** Buffers a change under its key, where the batch keeps one change per key. */
  private void addChange(ChangeEvent change, TopicPartition tp, Object[] row, long now,
      boolean delete) {
    Object[] values = keyColumns.values(row);
    if (values == null) {
      throw new io.github.deltaconnect.sink.cdc.InvalidChange("upsert key " + keyColumns.names()
          + " is null in every field ("
          + DeltaSinkConfig.UPSERT_KEY + ")");
    }
    hasher.hash(values);
    Long order = change.order();
    buffer.addChange(tp, change.image().kafkaOffset(), partitioning.key(row),
        converter.tableSchema(), row, now, hasher.hi(), hasher.lo(),
        order == null ? RecordBuffer.UNORDERED : order, delete);
  }

  /**
   * A record that would add columns passes the registry_validation gates first: the column
   * change commits on its own, before any batch gate could see the records that asked for it.
   */
  private void checkRegistered(SinkRecord record, TopicPartition tp) {
    if (registryCheck == null) {
      return;
    }
    GateDecision decision = gates.registryDecision(record.topic(), record.valueSchema());
    if (decision.isClean()) {
      return;
    }
    String at = tp + "[" + record.kafkaOffset() + "]";
    alerts.breach(table.location(), domain.connectorId(), taskId, decision, at, false);
    throw new GateHalted("Quality gate halted a schema change of " + table.location()
        + ": the record at " + at + " would add columns, and "
        + Gates.describe(decision)
        + ". Nothing of it is committed, not even the columns. Release: register the schema"
        + " (or change the gate) and restart the task.", decision);
  }

  /** Notes the record's schema for registry_validation, once per run of the same schema. */
  private void noteSchema(SinkRecord record) {
    Schema schema = record.valueSchema();
    if (noted != buffer || schema != notedSchema || !record.topic().equals(notedTopic)) {
      buffer.noteRecordSchema(record.topic(), schema);
      noted = buffer;
      notedSchema = schema;
      notedTopic = record.topic();
    }
  }

  /**
   * The record's topic-partition as its one instance: records arrive in runs per partition, so
   * this is a comparison with the last one per record and a lookup per run.
   */
  private TopicPartition partitionOf(SinkRecord record) {
    TopicPartition last = lastPartition;
    if (last == null || last.partition() != record.kafkaPartition()
        || !last.topic().equals(record.topic())) {
      last = instances.computeIfAbsent(
          new TopicPartition(record.topic(), record.kafkaPartition()), tp -> tp);
      lastPartition = last;
    }
    return last;
  }

  private void tombstone(SinkRecord record, TopicPartition tp, long now) {
    TombstoneBehavior behavior = config.tombstoneBehavior();
    if (behavior == TombstoneBehavior.IGNORE) {
      metrics.tombstoneIgnored();
      buffer.consumed(tp, record.kafkaOffset(), now);
    } else if (behavior == TombstoneBehavior.DLQ) {
      toDlq(record, tp, new DataException("tombstone (null value)"), DlqReason.TOMBSTONE, now);
    } else {
      throw new ConnectException(ErrantRecords.describe(record)
          + ": tombstone (null value) and delta.tombstone.behavior=fail");
    }
  }

  private static DlqReason reasonOf(Exception e) {
    if (e instanceof UnknownFieldException || e.getCause() instanceof UnknownFieldException) {
      return DlqReason.UNKNOWN_FIELD;
    }
    return e instanceof io.github.deltaconnect.sink.cdc.InvalidChange ? DlqReason.CHANGE_EVENT
        : DlqReason.CONVERSION;
  }

  private void toDlq(SinkRecord record, TopicPartition tp, Exception reason, DlqReason kind,
      long now) {
    LOG.debug("{} goes to the DLQ: {}", ErrantRecords.describe(record), reason.getMessage());
    errant.report(record, reason);
    metrics.toDlq(kind);
    buffer.consumed(tp, record.kafkaOffset(), now);
  }

  /** The converter for the table's schema: the existing table's, or one made from this record. */
  private RowConverter converter(SinkRecord record) {
    if (converter == null) {
      Optional<Snapshot> snapshot = table.latest();
      StructType schema;
      if (snapshot.isPresent()) {
        schema = snapshot.get().getSchema();
        List<String> expected = config.partitionSpec().columns();
        if (!snapshot.get().getPartitionColumnNames().equals(expected)) {
          throw new ConnectException("Table " + table.location() + " is partitioned by "
              + snapshot.get().getPartitionColumnNames() + " but " + DeltaSinkConfig.PARTITION_FIELDS
              + " is " + expected);
        }
      } else if (!config.autoCreate()) {
        throw new ConnectException("No Delta table at " + table.location() + " and "
            + DeltaSinkConfig.TABLE_AUTO_CREATE + "=false");
      } else {
        // A record that cannot define a table fails alone (DataException, to the DLQ).
        schema = SchemaMapping.tableSchema(record.valueSchema(), config.partitionSpec(),
            config.metadataColumns());
        if (orderColumn() != null && schema.indexOf(orderColumn()) < 0) {
          schema = schema.add(orderColumn(), io.delta.kernel.types.LongType.LONG, true);
        }
      }
      if (orderColumn() != null && schema.indexOf(orderColumn()) < 0) { // an existing table
        schema = committer.addColumns(new StructType(List.of(new io.delta.kernel.types.StructField(
            orderColumn(), io.delta.kernel.types.LongType.LONG, true))));
      }
      useSchema(schema);
    }
    return converter;
  }

  private void useSchema(StructType schema) {
    converter = new RowConverter(schema, config.partitionSpec(), config.metadataColumns(),
        orderColumn());
    partitioning = new PartitionValues(schema, config.partitionSpec().columns());
    if (keyIndex != null) {
      keyColumns = KeyColumns.resolve(config.idempotencyKey(), schema,
          DeltaSinkConfig.IDEMPOTENCY_KEY);
    }
    if (upserts != null) {
      orderOrdinal = orderColumn() == null ? -1 : schema.indexOf(orderColumn());
      // Without a configured key, the first record names it (see changeRow).
      keyColumns = upserts.key() == null ? null
          : KeyColumns.resolve(upserts.key(), schema, DeltaSinkConfig.UPSERT_KEY);
    }
  }

  private String orderColumn() {
    return upserts == null ? null : upserts.orderColumn();
  }

  /**
   * Converts the record; with {@code delta.schema.evolution=add-columns}, a record with fields the
   * table lacks first commits what is buffered (those rows have the old shape), then adds the
   * columns, then converts. Returns null if that commit rewound the record's partition.
   */
  private Object[] convert(SinkRecord record, TopicPartition tp) {
    try {
      return converter(record).convert(record);
    } catch (UnknownFieldException e) {
      Schema valueSchema = record.valueSchema();
      if (config.schemaEvolution() != SchemaEvolution.ADD_COLUMNS || valueSchema == null
          || valueSchema.type() != Schema.Type.STRUCT) {
        throw new DataException(e.getMessage() + (config.schemaEvolution() == SchemaEvolution.NONE
            ? " (" + DeltaSinkConfig.SCHEMA_EVOLUTION + "=none)"
            : " (a schemaless record cannot add columns)"), e);
      }
      StructType incoming = (StructType) SchemaMapping.toDelta(valueSchema, "");
      commitNow(FlushPolicy.Reason.SCHEMA, Set.of(), false);
      if (rewound.contains(tp)) {
        return null;
      }
      checkRegistered(record, tp); // before the table's schema changes, not only its data
      if (table.latest().isPresent()) {
        useSchema(committer.addColumns(incoming));
      } else { // nothing committed yet: the table will be created with the wider schema
        useSchema(SchemaMerge.addMissing(converter.tableSchema(), incoming)
            .orElse(converter.tableSchema()));
      }
      return converter.convert(record);
    }
  }

  /**
   * The first offset of {@code tp} not yet durably in the table (buffered or in flight), or -1
   * when nothing of it waits.
   */
  public synchronized long firstPendingOffset(TopicPartition tp) {
    long buffered = buffer.firstOffset(tp);
    long inFlight = async == null ? -1 : async.pendingFirstOffset(tp);
    return buffered < 0 ? inFlight : inFlight < 0 ? buffered : Math.min(buffered, inFlight);
  }

  /** Heap held by the buffered rows and the batch in flight. */
  public synchronized long heldBytes() {
    return buffer.bytes() + (async == null ? 0 : async.pendingBytes());
  }

  /**
   * Commits the batch in flight and the current one now, on this thread, so their memory is free
   * when this returns (the task's memory budget, shared by its tables, is full).
   */
  public synchronized void flushForMemory() {
    try {
      commitNow(FlushPolicy.Reason.MEMORY, Set.of(), false);
    } catch (RuntimeException e) {
      fail(e);
      throw e;
    }
  }

  /**
   * In a replace-mode replay, marks as consumed the offsets Connect read past the last record
   * the task saw (left out by a transform or the converter), up to the replay's end: the next
   * commit then replaces their earlier rows too, instead of leaving them until a later record.
   */
  private void markReplayed(Map<TopicPartition, OffsetAndMetadata> current) {
    if (replayUntil.isEmpty() || failed) {
      return;
    }
    long now = clock.getAsLong();
    replayUntil.forEach((tp, until) -> {
      OffsetAndMetadata read = current.get(tp);
      if (read == null || rewound.contains(tp)) {
        return;
      }
      long consumed = Math.min(read.offset() - 1, until);
      long seen = Math.max(committed.getOrDefault(tp, -1L), Math.max(buffer.lastOffset(tp),
          async == null ? -1 : async.pendingLastOffset(tp)));
      if (consumed > seen) {
        buffer.consumed(tp, consumed, now);
      }
    });
  }

  /** Offsets Connect may commit to the consumer group: only what is durably in the table. */
  public synchronized Map<TopicPartition, OffsetAndMetadata> preCommit(
      Map<TopicPartition, OffsetAndMetadata> current) {
    try {
      pollInFlight(Set.of(), false);
      flushIfDue(clock.getAsLong());
    } catch (RuntimeException e) {
      // Thrown from here, Connect would rewind and carry on; put() fails the task instead.
      fail(e);
      LOG.error("Commit to {} failed; the task fails at its next put()", table.location(), e);
    }
    markReplayed(current);
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    for (TopicPartition tp : current.keySet()) {
      Long offset = committed.get(tp);
      if (offset != null) {
        out.put(tp, new OffsetAndMetadata(offset + 1));
      }
    }
    return out;
  }

  /** Commits what is buffered before partitions go, so a rebalance neither loses nor repeats. */
  public synchronized void close(Collection<TopicPartition> partitions) {
    commitNow(FlushPolicy.Reason.CLOSE, new HashSet<>(partitions), false);
    partitions.forEach(committed::remove);
    partitions.forEach(replayUntil::remove);
    partitions.forEach(pendingRewinds::remove);
    partitions.forEach(instances::remove);
    lastPartition = null;
  }

  /**
   * Called off the task thread on a timer, so an idle task still commits when the flush interval
   * elapses instead of waiting for Connect's next put() (up to offset.flush.interval.ms).
   */
  public synchronized void tick() {
    if (failed || stopped) {
      return; // stopped: a router closed this table while the timer held it
    }
    long cpu = SinkMetrics.threadCpuNanos();
    try {
      pollInFlight(Set.of(), true);
      policy.due(buffer, clock.getAsLong()).ifPresent(reason -> flush(reason, Set.of(), true));
      checkFreshness(clock.getAsLong());
    } catch (RuntimeException | Error e) {
      // Nothing may escape: a scheduled executor silently cancels every later run after a throw.
      fail(e instanceof RuntimeException r ? r
          : new ConnectException("Timed commit to " + table.location() + " failed", e));
      LOG.error("Timed commit to {} failed; the task fails at its next put()", table.location(), e);
    } finally {
      metrics.cpu(SinkMetrics.threadCpuNanos() - cpu);
    }
  }

  /**
   * Raises or clears the freshness SLA alert: broken while records wait and either the newest
   * committed record time or the oldest waiting record's arrival is older than the SLA. A table
   * with nothing waiting (an idle topic) never alerts, however old its data.
   */
  private void checkFreshness(long now) {
    if (slaMs <= 0) {
      return;
    }
    long since = buffer.firstAddedAtMs();
    long inFlight = async == null ? -1 : async.pendingSinceMs();
    if (inFlight >= 0 && (since < 0 || inFlight < since)) {
      since = inFlight;
    }
    long freshness = newestCommittedEventMs == Long.MIN_VALUE ? -1 : now - newestCommittedEventMs;
    long waiting = since < 0 ? -1 : now - since;
    boolean breach = since >= 0 && (freshness > slaMs || waiting > slaMs);
    if (breach != slaBreached) {
      slaBreached = breach;
      metrics.slaBreached(table.location(), breach);
      alerts.freshness(table.location(), domain.connectorId(), taskId, breach, freshness, waiting,
          slaMs);
    }
  }

  private void flushIfDue(long now) {
    policy.due(buffer, now).ifPresent(reason -> flush(reason, Set.of(), false));
  }

  /**
   * Ends the current batch: pipelined, hands it to the background committer (after the previous
   * one finished); otherwise commits it here.
   */
  private void flush(FlushPolicy.Reason reason, Set<TopicPartition> closing, boolean offThread) {
    if (async == null) {
      commitNow(reason, closing, offThread);
      return;
    }
    AsyncCommitter.Batch batch = takeBatch(reason, closing, offThread);
    if (batch != null) {
      async.submit(batch);
    }
  }

  /**
   * Commits the current batch on this thread, after whatever is in flight (waited for even when
   * nothing is buffered: close() and schema changes rely on it).
   */
  private void commitNow(FlushPolicy.Reason reason, Set<TopicPartition> closing,
      boolean offThread) {
    if (failed) {
      return;
    }
    awaitInFlight(closing, offThread);
    AsyncCommitter.Batch batch = takeBatch(reason, closing, offThread);
    if (batch == null) {
      return;
    }
    long start = clock.getAsLong();
    BatchCommitter.Outcome outcome;
    try {
      outcome = committer.commit(batch.buffer(), batch.schema(), batch.partitionColumns());
    } catch (RuntimeException e) {
      fail(e);
      throw e;
    }
    complete(new AsyncCommitter.Done(batch, outcome, clock.getAsLong() - start), closing,
        offThread);
  }

  /**
   * Waits for the batch in flight, then ends the current one and starts a new buffer; null when
   * there is nothing to commit (empty, failed, or discarded with a fenced batch in flight).
   */
  private AsyncCommitter.Batch takeBatch(FlushPolicy.Reason reason, Set<TopicPartition> closing,
      boolean offThread) {
    if (buffer.isEmpty() || failed) {
      return null;
    }
    awaitInFlight(closing, offThread);
    if (buffer.isEmpty() || failed) {
      return null;
    }
    try {
      errant.awaitAll(); // the DLQ holds every record this batch's offsets cover
    } catch (RuntimeException e) {
      fail(e);
      throw e;
    }
    long now = clock.getAsLong();
    AsyncCommitter.Batch batch = new AsyncCommitter.Batch(buffer, schemaOfBuffer(),
        config.partitionSpec().columns(), reason, now - buffer.firstAddedAtMs());
    buffer = new RecordBuffer();
    metrics.buffered(0, 0);
    return batch;
  }

  private StructType schemaOfBuffer() {
    return converter == null ? null : converter.tableSchema();
  }

  /**
   * Waits for the batch in flight, as the timer thread would (a fence found here is applied at the
   * next put()). For tests; Connect reaches the same point through close() and the next flush.
   */
  synchronized void awaitInFlightCommit() {
    awaitInFlight(Set.of(), true);
  }

  /** Takes the batch in flight if it has finished. */
  private void pollInFlight(Set<TopicPartition> closing, boolean offThread) {
    if (async == null || failed) {
      return;
    }
    try {
      async.poll().ifPresent(done -> complete(done, closing, offThread));
    } catch (RuntimeException e) {
      fail(e);
      throw e;
    }
  }

  /** Waits for the batch in flight, if any, and applies its outcome. */
  private void awaitInFlight(Set<TopicPartition> closing, boolean offThread) {
    if (async == null) {
      return;
    }
    try {
      async.await().ifPresent(done -> complete(done, closing, offThread));
    } catch (RuntimeException e) {
      fail(e);
      throw e;
    }
  }

  /**
   * A commit failed: whether or not it landed, the table's offsets tell the next task where to
   * resume; committing again from close() would only guess. What is buffered is dropped.
   */
  private void fail(RuntimeException e) {
    if (e instanceof UnknownOutcomeException u && !failed) {
      metrics.filesKept(u.keptFiles().size());
    }
    if (!failed && (e instanceof GateHalted || e.getCause() instanceof GateHalted)) {
      metrics.gateHalted();
    }
    failed = true;
    if (failure == null) {
      failure = e;
    }
    buffer = new RecordBuffer();
    metrics.buffered(0, 0);
  }

  /**
   * The per-partition gauges follow this table's offsets when they are the partitions' resume
   * points; with field routing the router publishes the partitions' group offsets instead.
   */
  private void publishTableOffsets(Map<TopicPartition, Long> lastOffsets) {
    if (resumeFromTable) {
      lastOffsets.forEach((tp, last) -> metrics.partition(tp).tableOffset(last + 1));
    }
  }

  /** Applies a finished batch's outcome to the task's state. */
  private void complete(AsyncCommitter.Done done, Set<TopicPartition> closing, boolean offThread) {
    AsyncCommitter.Batch batch = done.batch();
    metrics.cpu(done.cpuNanos()); // the commit thread's; this thread's is counted by its caller
    int records = batch.buffer().records();
    if (done.outcome() instanceof BatchCommitter.Committed c) {
      committed.putAll(c.offsets());
      publishTableOffsets(c.offsets());
      c.offsets().forEach((tp, last) -> {
        Long until = replayUntil.get(tp);
        if (until != null && last >= until) {
          replayUntil.remove(tp);
          LOG.info("{}: the replace-mode replay reached offset {}; the table holds no earlier rows"
              + " of it any more", tp, until);
        }
      });
      long newest = batch.buffer().newestEventMs();
      if (newest != Long.MIN_VALUE) {
        newestCommittedEventMs = Math.max(newestCommittedEventMs, newest);
        metrics.committedEventTime(table.location(), newest);
      }
      if (c.recovered()) {
        metrics.recovered();
      }
      boolean quarantined = c.quarantinedTo() != null;
      if (lineage != null) {
        lineage.committed(quarantined ? c.quarantinedTo() : table.location(), c.version(),
            c.tableSchema(), batch.buffer().offsetRanges(), records - c.duplicates(), c.bytes());
      }
      if (quarantined) {
        metrics.quarantined(records);
      } else {
        metrics.written(records - c.duplicates());
        metrics.duplicatesInTable(c.duplicates());
        metrics.committed(c.version(), c.files(), c.bytes(), done.millis());
        metrics.flushed(batch.reason());
      }
      metrics.gateAlerts(c.gates().breaches().size());
      LOG.info("Committed {} records ({} files, {} bytes) to {}{} version {} in {} ms ({}, after {}"
              + " ms of buffering) for task {}; offsets {}{}{}", records - c.duplicates(), c.files(),
          c.bytes(),
          quarantined ? "the QUARANTINE table " : "", quarantined ? c.quarantinedTo()
              : table.location(), c.version(), done.millis(), batch.reason(),
          batch.bufferingMs(), taskId, c.offsets(), c.gates().values().isEmpty() ? ""
              : "; gates " + c.gates().values() + (c.gates().isClean() ? "" : ", broken "
                  + c.gates().breaches().stream().map(b -> b.gate().name()).toList()),
          c.duplicates() == 0 ? "" : "; " + c.duplicates() + (upserts == null
              ? " records left out: the table holds their idempotency keys"
              : " changes left out: older than the rows the table holds for their keys"));
      // The quarantine table's schema says nothing about this table's.
      if (!quarantined && converter != null && !c.tableSchema().equals(converter.tableSchema())) {
        // Another task added columns. Rows buffered since have the old shape: commit them as
        // they are, then convert further records to the table's current schema.
        if (!buffer.isEmpty()) {
          commitNow(FlushPolicy.Reason.SCHEMA, closing, offThread);
        }
        useSchema(c.tableSchema());
      }
    } else if (done.outcome() instanceof BatchCommitter.Fenced f) {
      metrics.fenced();
      // Resume every partition of the fenced batch after what the table holds; records buffered
      // since (pipelined) are dropped and read again from where they started.
      Map<TopicPartition, Long> resume = new HashMap<>();
      buffer.offsetRanges().forEach((tp, range) -> resume.put(tp, range.first()));
      batch.buffer().offsetRanges().forEach((tp, range) -> {
        Long stored = f.storedOffsets().get(tp);
        resume.put(tp, stored != null ? Math.max(stored + 1, range.first()) : range.first());
        if (stored != null) {
          committed.put(tp, stored);
        }
      });
      resume.forEach((tp, resumeAt) -> {
        if (offThread) {
          pendingRewinds.put(tp, resumeAt); // SinkTaskContext belongs to the task thread
        } else if (!closing.contains(tp)) {
          context.offset(tp, resumeAt);
          rewound.add(tp);
        }
      });
      buffer = new RecordBuffer();
      metrics.buffered(0, 0);
    }
  }

  /** Releases what the task opened: the commit thread, then the table's filesystems. */
  public synchronized void stop() {
    stopped = true;
    try {
      if (async != null) {
        async.close(); // a commit still running needs the filesystems until it ends
      }
    } finally {
      try {
        if (alerts != null) {
          alerts.close(); // after the commit thread: a halt's alert is queued by then
        }
        if (registryCheck != null) {
          registryCheck.close();
        }
      } finally {
        table.close(); // the task's metrics are its router's to unregister: tables come and go
      }
    }
  }

}
