package io.github.deltaconnect.sink.commit;

import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.Row;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.transaction.DataLayoutSpec;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.github.deltaconnect.sink.buffer.OffsetRange;
import io.github.deltaconnect.sink.buffer.RecordBuffer;
import io.github.deltaconnect.sink.cdc.Rewrite;
import io.github.deltaconnect.sink.offsets.StoredOffset;
import io.github.deltaconnect.sink.replay.Replacement;
import io.github.deltaconnect.sink.cdc.Upserts;
import io.github.deltaconnect.sink.gate.Alerts;
import io.github.deltaconnect.sink.gate.BatchMetrics;
import io.github.deltaconnect.sink.gate.GateDecision;
import io.github.deltaconnect.sink.gate.GateHalted;
import io.github.deltaconnect.sink.gate.GateState;
import io.github.deltaconnect.sink.gate.Gates;
import io.github.deltaconnect.sink.convert.SchemaMerge;
import io.github.deltaconnect.sink.dedup.IndexManifest;
import io.github.deltaconnect.sink.dedup.KeyIndex;
import io.github.deltaconnect.sink.dedup.Segment;
import io.github.deltaconnect.sink.offsets.OffsetDomain;
import io.github.deltaconnect.sink.write.DataFiles;
import io.github.deltaconnect.sink.write.Iterators;
import io.github.deltaconnect.sink.write.PartitionValues;
import io.github.deltaconnect.sink.write.PhysicalSchema;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one buffered batch into exactly one Delta commit that also stores, per topic-partition, the
 * last Kafka offset the batch contains (as domain metadata).
 *
 * <p>Exactly once rests on two checks. Before committing, the offsets stored in the snapshot the
 * transaction reads are compared with the batch: if the table already holds an offset at or past
 * the batch's first offset for a partition, another task has written that partition since this
 * task read the table (a rebalance moved it, and this task is a zombie), so the batch is dropped and
 * the task rewinds to the table's offsets. Between that snapshot and the commit, Kernel's conflict
 * checker rejects the commit if a concurrent winner wrote any of the same offset domains; the loop
 * then re-reads the table and checks again. Commits by tasks owning other partitions touch other
 * domains and are rebased by Kernel, so independent tasks do not block each other.
 */
public final class BatchCommitter {
  private static final Logger LOG = LoggerFactory.getLogger(BatchCommitter.class);
  static final String ENGINE_INFO = "kafka-connect-delta-sink/" + Version.get();
  static final String COLUMN_MAPPING_MODE = "delta.columnMapping.mode";
  static final String DOMAIN_METADATA = "domainMetadata";
  /** The table property that turns the feature on (on create, or added to an existing table). */
  static final String DOMAIN_METADATA_PROPERTY = "delta.feature." + DOMAIN_METADATA;

  /** What became of a batch. */
  public sealed interface Outcome permits Committed, Fenced {}

  /**
   * The batch is in table version {@code version}. {@code recovered}: the commit call failed, but
   * the log shows it landed (its response was lost).
   */
  public record Committed(long version, int files, long bytes, Map<TopicPartition, Long> offsets,
      StructType tableSchema, boolean recovered, GateDecision gates, String quarantinedTo,
      int duplicates) implements Outcome {

    /** The same commit, made in the quarantine table at {@code location} for {@code gates}. */
    Committed quarantined(GateDecision decision, String location) {
      return new Committed(version, files, bytes, offsets, tableSchema, recovered, decision,
          location, duplicates);
    }
  }

  /**
   * The table already holds some of the batch's partitions past where the batch starts: nothing was
   * committed, and the task must resume each partition after {@code storedOffsets}.
   */
  public record Fenced(Map<TopicPartition, Long> storedOffsets) implements Outcome {}

  private static final long NOT_TRIED = Long.MIN_VALUE;

  private final DeltaTable table;
  private final OffsetDomain domain;
  private final int taskId;
  private final int maxRetries;
  private final int checkpointInterval;
  private final boolean columnMapping;
  private final FaultPoint fault;
  private final String engineInfo;
  private final Gates gates;
  private final Alerts alerts;
  private final BatchCommitter quarantine;
  private final String gateDomain;
  private final LongSupplier clock;
  /** The keys the table holds, with delta.idempotency.key; else null. */
  private final KeyIndex index;
  /** With delta.write.mode=upsert: the key and ordering column; else null. */
  private final Upserts upserts;
  /** Upserts with an ordering field: the deleted keys' orders the table remembers; else null. */
  private final KeyIndex deletes;
  /** With delta.compaction.enabled: run after each commit; set once before the first commit. */
  private io.github.deltaconnect.sink.maintenance.Compactor compactor;
  private java.util.function.IntConsumer onCompacted = files -> {};

  /**
   * {@code columnMapping}: create tables with column mapping (name mode), which Kernel requires
   * for any later schema change.
   */
  public BatchCommitter(DeltaTable table, OffsetDomain domain, int taskId, int maxRetries,
      int checkpointInterval, boolean columnMapping, FaultPoint fault) {
    this(table, domain, taskId, maxRetries, checkpointInterval, columnMapping, fault,
        new Gates(List.of()), null, null, System::currentTimeMillis);
  }

  /**
   * With quality {@code gates} checked on every batch before it is committed, breaches reported to
   * {@code alerts} (null: none configured), and batches a quarantine gate refuses committed by
   * {@code quarantine} (null: no such gate) instead.
   */
  public BatchCommitter(DeltaTable table, OffsetDomain domain, int taskId, int maxRetries,
      int checkpointInterval, boolean columnMapping, FaultPoint fault, Gates gates, Alerts alerts,
      BatchCommitter quarantine, LongSupplier clock) {
    this(table, domain, taskId, maxRetries, checkpointInterval, columnMapping, fault, gates, alerts,
        quarantine, clock, null);
  }

  /**
   * As above; with {@code index}, rows whose key the table already holds are left out of each
   * batch, and the batch's keys are added to the index in the same commit.
   */
  public BatchCommitter(DeltaTable table, OffsetDomain domain, int taskId, int maxRetries,
      int checkpointInterval, boolean columnMapping, FaultPoint fault, Gates gates, Alerts alerts,
      BatchCommitter quarantine, LongSupplier clock, KeyIndex index) {
    this(table, domain, taskId, maxRetries, checkpointInterval, columnMapping, fault, gates, alerts,
        quarantine, clock, index, null);
  }

  /**
   * As above; with {@code upserts}, each batch holds changes (one per key) that are applied
   * copy-on-write ({@link Rewrite}) in the commit that also stores the offsets.
   */
  public BatchCommitter(DeltaTable table, OffsetDomain domain, int taskId, int maxRetries,
      int checkpointInterval, boolean columnMapping, FaultPoint fault, Gates gates, Alerts alerts,
      BatchCommitter quarantine, LongSupplier clock, KeyIndex index, Upserts upserts) {
    this.index = index;
    this.upserts = upserts;
    this.deletes = upserts == null ? null : upserts.deletes();
    this.gates = gates;
    this.alerts = alerts;
    this.quarantine = quarantine;
    this.gateDomain = GateState.domain(domain.connectorId(), taskId);
    this.clock = clock;
    this.table = table;
    this.domain = domain;
    this.taskId = taskId;
    this.maxRetries = maxRetries;
    this.checkpointInterval = checkpointInterval;
    this.columnMapping = columnMapping;
    this.fault = fault;
    // Kernel writes this into every commitInfo: who committed, for people reading the log.
    this.engineInfo = ENGINE_INFO + " connector=" + domain.connectorId() + " task=" + taskId;
  }

  /**
   * After each successful commit, compacts the partition holding the most small files (if it
   * holds enough), reporting the files replaced to {@code onCompacted}. Call before committing.
   */
  public void compactAfterCommits(io.github.deltaconnect.sink.maintenance.Compactor compactor,
      java.util.function.IntConsumer onCompacted) {
    this.compactor = compactor;
    this.onCompacted = onCompacted;
  }

  public Outcome commit(RecordBuffer buffer, StructType schema, List<String> partitionColumns) {
    if (buffer.schema() != null && !buffer.schema().equals(schema)) {
      throw new IllegalStateException("buffered rows have schema " + buffer.schema()
          + ", not the batch's " + schema);
    }
    fault.batchStarted();
    Map<TopicPartition, OffsetRange> ranges = buffer.offsetRanges();
    // Written into every offset domain of the commit: the one thing that tells this batch's commit
    // apart from any other, when the answer to it was lost.
    String batchId = UUID.randomUUID().toString();
    DataFiles files = null;
    StructType filesPhysical = null;
    RuntimeException lastConflict = null;
    long firstTriedAfter = NOT_TRIED; // the read version of the first transaction tried
    GateState gateState = null; // what the gates leave for the next batch, once they passed
    GateDecision decision = GateDecision.NONE;
    // With an idempotency key: the rows written (per table partition), their keys' segment file,
    // and the merged index files of refused attempts (deleted once the log shows none landed).
    Map<List<Object>, int[]> selected = Map.of();
    Selection selection = null;
    IndexManifest.Entry keysFile = null;
    List<String> refusedIndexFiles = new java.util.ArrayList<>();
    KeyIndex.Plan plan = null;
    Rewrite rewrite = null;
    Replacement replacement = null;
    for (int attempt = 0; attempt <= maxRetries; attempt++) {
      Optional<Snapshot> snapshot = table.latest();
      if (snapshot.isPresent() && firstTriedAfter != NOT_TRIED) {
        // A commit was tried and refused: refused because it landed after all (a lost response
        // retried into "already exists"), or for real. Only the log can tell.
        Optional<Long> landed = landed(batchId, firstTriedAfter, snapshot.get().getVersion(),
            files, lastConflict, keysFile, refusedIndexFiles);
        if (landed.isPresent()) {
          // Which attempt's index landed, the next commit reads from the table; nothing is deleted.
          return recovered(landed.get(), files, ranges, snapshot.get(), decision,
              left(selection, rewrite));
        }
        index(i -> i.delete(refusedIndexFiles)); // no version holds them: checked just above
        refusedIndexFiles.clear();
      }
      Map<TopicPartition, Replacement.Range> toReplace = new HashMap<>();
      Map<TopicPartition, Long> replaceUntil = new HashMap<>();
      if (snapshot.isPresent()) {
        Map<TopicPartition, StoredOffset> held =
            DeltaTable.stored(snapshot.get(), domain, ranges.keySet());
        Map<TopicPartition, Long> stored = new HashMap<>();
        held.forEach((tp, h) -> stored.put(tp, h.offset()));
        // A replace-mode replay: the rows an earlier run wrote from the offsets this batch covers
        // go in the commit that adds the batch's rows.
        held.forEach((tp, h) -> {
          if (h.replaying() && ranges.containsKey(tp)) {
            long last = ranges.get(tp).last();
            long hi = Math.min(last, h.replaceUntil());
            if (hi > h.offset()) {
              toReplace.put(tp, new Replacement.Range(h.offset() + 1, hi));
            }
            if (last < h.replaceUntil()) {
              replaceUntil.put(tp, h.replaceUntil());
            }
          }
        });
        if (overlaps(stored, ranges)) {
          LOG.warn("Table {} version {} already holds offsets {} for partitions in this batch {}:"
                  + " another writer committed them since this task read the table; dropping the batch"
                  + " and resuming after the stored offsets",
              table.location(), snapshot.get().getVersion(), stored, ranges);
          deleteUnreferenced(files); // no version holds this batch: checked just above
          deleteKeysFile(keysFile);
          return new Fenced(stored);
        }
        checkWritable(snapshot.get());
        checkSchema(snapshot.get(), schema, partitionColumns);
      }
      if (!gates.isEmpty() && gateState == null) {
        GateState previous = snapshot.flatMap(s -> s.getDomainMetadata(gateDomain))
            .map(GateState::decode).orElse(GateState.EMPTY);
        long covered = buffer.firstAddedAtMs() < 0 ? 0
            : clock.getAsLong() - buffer.firstAddedAtMs();
        decision = gate(buffer, schema, ranges, covered, previous);
        if (decision.quarantines()) {
          // The whole batch, offsets included, goes to the quarantine table; this table and its
          // gate state stay as they are. A fenced or failed quarantine commit is handled there.
          Outcome q = quarantine.commit(buffer, schema, partitionColumns);
          return q instanceof Committed c ? c.quarantined(decision, quarantine.table.location())
              : q;
        }
        gateState = previous.next(Gates.rate(buffer.records(), covered),
            BatchMetrics.schemaHash(schema));
      }
      if (index != null) {
        index.sync(snapshot);
        Selection next = Selection.of(buffer, index);
        if (selection != null && !next.sameRows(selection)) {
          // A concurrent winner committed some of these keys: the written files hold rows that
          // must go. No version holds them (checked at the top of this pass).
          deleteUnreferenced(files);
          files = null;
          deleteKeysFile(keysFile);
          keysFile = null;
        }
        selection = next;
        selected = next.rows();
      }
      if ((upserts != null || replacement != null || !toReplace.isEmpty()) && files != null) {
        // Changes (and replaced rows) are applied to the snapshot read: a newer one needs its own
        // rewrite. No version holds the files of the attempt before (checked at the top of this
        // pass).
        deleteUnreferenced(files);
        files = null;
        replacement = null;
      }
      Transaction txn;
      try {
        txn = snapshot.isPresent()
            ? snapshot.get().buildUpdateTableTransaction(engineInfo, Operation.STREAMING_UPDATE)
                .build(table.engine())
            : createTransaction(schema, partitionColumns);
      } catch (io.delta.kernel.exceptions.TableAlreadyExistsException e) {
        LOG.info("Table {} was created concurrently; retrying as an append", table.location());
        continue;
      }
      Row state = txn.getTransactionState(table.engine());
      StructType tableSchema = txn.getSchema(table.engine());
      StructType physical = PhysicalSchema.of(schema, tableSchema);
      if (files != null && !physical.equals(filesPhysical)) {
        // Written for another column mapping (a concurrent create assigned other physical names).
        deleteUnreferenced(files);
        files = null;
      }
      if (files == null) {
        // Otherwise files stay valid on a retry: a newer table schema may only have more columns,
        // which read as null in these files.
        if (upserts != null) {
          if (deletes != null) {
            deletes.sync(snapshot);
            deletes.advanceTo(clock.getAsLong());
          }
          rewrite = Rewrite.plan(table.engine(), snapshot, state, tableSchema, table.files(),
              buffer, upserts.key(), upserts.orderColumn(), partitionColumns, deletes,
              clock.getAsLong());
          selected = rewrite.selected();
        }
        if (!toReplace.isEmpty()) {
          replacement = Replacement.plan(table.engine(), snapshot.get(), state, tableSchema,
              table.files(), partitionColumns, toReplace);
        }
        try {
          files = DataFiles.write(table.engine(), state, table.files(), schema, tableSchema,
              new PartitionValues(schema, partitionColumns), buffer.batches(), selected);
        } catch (RuntimeException e) {
          if (rewrite != null) {
            deleteUnreferenced(rewrite.files());
          }
          if (replacement != null) {
            deleteUnreferenced(replacement.files());
          }
          throw e;
        }
        if (rewrite != null) {
          files = DataFiles.concat(List.of(rewrite.files(), files));
        }
        if (replacement != null) {
          files = DataFiles.concat(List.of(replacement.files(), files));
        }
        filesPhysical = physical;
        fault.at(FaultPoint.Stage.AFTER_FILES);
      }
      Map<TopicPartition, Long> offsets = new HashMap<>();
      ranges.forEach((tp, r) -> {
        txn.addDomainMetadata(domain.name(tp), OffsetDomain.encode(r.last(),
            domain.connectorId(), taskId, batchId,
            replaceUntil.getOrDefault(tp, StoredOffset.NO_REPLAY)));
        offsets.put(tp, r.last());
      });
      if (gateState != null) {
        txn.addDomainMetadata(gateDomain, gateState.encode());
      }
      plan = null;
      if (selection != null && selection.keys().size() > 0) {
        if (keysFile == null) {
          keysFile = index.write(selection.keys());
        }
        plan = index.plan(keysFile, selection.keys());
        // Every commit adding keys writes this one domain: of two concurrent ones, one must lose.
        txn.addDomainMetadata(index.domain(), plan.manifest().encode());
      }
      if (deletes != null && rewrite != null && rewrite.deletedKeys().size() > 0) {
        // The batch's deletes with their orders: a later, older change of a deleted key is stale.
        if (keysFile == null) {
          keysFile = deletes.write(rewrite.deletedKeys());
        }
        plan = deletes.plan(keysFile, rewrite.deletedKeys());
        txn.addDomainMetadata(deletes.domain(), plan.manifest().encode());
      }
      int rows = selection == null ? buffer.records() : buffer.records() - selection.dropped();
      Map<String, String> changes = Map.of();
      if (rewrite != null) {
        // Every upsert commit writes this one domain: of two concurrent ones, one must lose.
        txn.addDomainMetadata(Upserts.DOMAIN, "{\"batchId\":\"" + batchId + "\"}");
        changes = changeMetrics(rewrite, buffer);
        rows = (int) (rewrite.upserted() + rewrite.copied());
      }
      if (replacement != null) {
        changes = new LinkedHashMap<>(changes);
        changes.put("numReplacedRows", Long.toString(replacement.replaced()));
        changes.put("numCopiedRows", Long.toString(replacement.copied()));
        changes.put("numRemovedFiles", Integer.toString(replacement.removes().size()));
        StringBuilder replaced = new StringBuilder();
        toReplace.forEach((tp, range) -> replaced.append(replaced.length() == 0 ? "" : ",")
            .append(tp).append('=').append(range.first()).append("..").append(range.last()));
        changes.put("replacedKafkaOffsets", replaced.toString());
        rows += (int) replacement.copied();
      }
      txn.withCommitterProperties(history(rows, files, decision, batchId,
          selection == null ? -1 : buffer.duplicates() + selection.dropped(), changes, ranges));
      List<Row> actions = new java.util.ArrayList<>(rewrite == null ? List.of() : rewrite.removes());
      if (replacement != null) {
        actions.addAll(replacement.removes());
      }
      actions.addAll(files.appendActions(table.engine(), state));
      if (firstTriedAfter == NOT_TRIED) {
        firstTriedAfter = snapshot.map(Snapshot::getVersion).orElse(-1L);
      }
      TransactionCommitResult result;
      try {
        result = txn.commit(table.engine(),
            CloseableIterable.inMemoryIterable(Iterators.closeable(actions.iterator())));
      } catch (ConcurrentWriteException e) {
        // A concurrent writer touched the same offset domains, the key index or the table's
        // metadata: re-read the table and decide again (usually: fenced, or fewer rows).
        lastConflict = e;
        if (plan != null) {
          refusedIndexFiles.addAll(plan.written());
        }
        LOG.info("Commit to {} conflicted (attempt {}): {}", table.location(), attempt + 1,
            e.getMessage());
        continue;
      } catch (io.delta.kernel.exceptions.TableAlreadyExistsException e) {
        lastConflict = e;
        LOG.info("Table {} was created concurrently; retrying as an append", table.location());
        continue;
      } catch (RuntimeException e) {
        // Anything else (I/O, Kernel's CommitStateUnknownException) may have come after the commit
        // file was written: look for the batch in the log rather than guess.
        if (plan != null) {
          refusedIndexFiles.addAll(plan.written());
        }
        Snapshot latest = latestOrUnknown(files, e, keysFile, refusedIndexFiles);
        Optional<Long> landed = landed(batchId, firstTriedAfter, latest.getVersion(), files, e,
            keysFile, refusedIndexFiles);
        if (landed.isPresent()) {
          return recovered(landed.get(), files, ranges, latest, decision,
              left(selection, rewrite));
        }
        throw unknown(files, e, keysFile, refusedIndexFiles);
      }
      if (plan != null) {
        written().committed(plan);
        if (written().sweepDue()) {
          try {
            written().sweep(table.latest(), clock.getAsLong());
          } catch (RuntimeException e) { // the batch is committed; the files wait for next time
            LOG.warn("Could not read {} to sweep its idempotency index files", table.location(), e);
          }
        }
      }
      runHooks(result);
      fault.at(FaultPoint.Stage.AFTER_COMMIT);
      compact();
      return new Committed(result.getVersion(), files.fileCount(), files.byteCount(), offsets,
          result.getPostCommitSnapshot().map(Snapshot::getSchema).orElse(tableSchema), false,
          decision, null, left(selection, rewrite));
    }
    // Every attempt conflicted, and the log (read at the top of the last pass) does not hold the
    // batch: no version references its files.
    deleteUnreferenced(files);
    deleteKeysFile(keysFile);
    if (plan != null) {
      refusedIndexFiles.addAll(plan.written());
    }
    index(i -> i.delete(refusedIndexFiles));
    throw new ConnectException("Delta commit to " + table.location() + " failed after "
        + (maxRetries + 1) + " attempts", lastConflict);
  }

  /** Compacts one partition, if one needs it; never fails the batch, which is committed. */
  private void compact() {
    if (compactor == null) {
      return;
    }
    try {
      Optional<Snapshot> latest = table.latest();
      if (latest.isEmpty()) {
        return;
      }
      List<io.github.deltaconnect.sink.maintenance.Compactor.Candidate> plan =
          compactor.plan(latest.get());
      if (!plan.isEmpty()) {
        compactor.compact(latest.get(), plan.get(0))
            .ifPresent(r -> onCompacted.accept(r.removed()));
      }
    } catch (RuntimeException e) {
      LOG.warn("Compaction of {} failed; the batch is committed, and compaction is tried again"
          + " after a later commit", table.location(), e);
    }
  }

  /** Records of the batch the table already had: keys it holds, or changes older than its rows. */
  private static int left(Selection selection, Rewrite rewrite) {
    return selection != null ? selection.dropped() : rewrite != null ? rewrite.stale() : 0;
  }

  /** What a batch of changes did, named as Delta's MERGE names it in the table history. */
  private static Map<String, String> changeMetrics(Rewrite rewrite, RecordBuffer buffer) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put("numTargetRowsInserted", Long.toString(rewrite.upserted() - rewrite.updated()));
    m.put("numTargetRowsUpdated", Integer.toString(rewrite.updated()));
    m.put("numTargetRowsDeleted", Integer.toString(rewrite.deleted()));
    m.put("numTargetRowsCopied", Long.toString(rewrite.copied()));
    m.put("numTargetFilesRemoved", Integer.toString(rewrite.removes().size()));
    // Older than the batch's or the table's change of their key, or replaced by a later one.
    m.put("numStaleChanges", Integer.toString(rewrite.stale() + buffer.stale()));
    m.put("numSupersededChanges", Integer.toString(buffer.duplicates()));
    return m;
  }

  /** The version in (after, latest] that holds this batch, if any. */
  private Optional<Long> landed(String batchId, long after, long latest, DataFiles files,
      RuntimeException cause, IndexManifest.Entry keysFile, List<String> indexFiles) {
    try {
      return table.versionContaining(batchId, after + 1, latest);
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
      throw unknown(files, cause, keysFile, indexFiles);
    }
  }

  private Snapshot latestOrUnknown(DataFiles files, RuntimeException cause,
      IndexManifest.Entry keysFile, List<String> indexFiles) {
    try {
      return table.latest().orElseThrow(() -> unknown(files, cause, keysFile, indexFiles));
    } catch (UnknownOutcomeException e) {
      throw e;
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
      throw unknown(files, cause, keysFile, indexFiles);
    }
  }

  /** The key index this committer writes: idempotency keys, or the deletes of upserts. */
  private KeyIndex written() {
    return index != null ? index : deletes;
  }

  private void index(java.util.function.Consumer<KeyIndex> action) {
    if (written() != null) {
      action.accept(written());
    }
  }

  private void deleteKeysFile(IndexManifest.Entry keysFile) {
    if (keysFile != null) {
      written().delete(List.of(keysFile.file()));
    }
  }

  /** The batch is in {@code version} although its commit call failed: the answer was lost. */
  private Committed recovered(long version, DataFiles files, Map<TopicPartition, OffsetRange> ranges,
      Snapshot latest, GateDecision decision, int duplicates) {
    LOG.warn("The commit of {} files to {} failed without an answer, but version {} holds the batch:"
        + " it is committed (the response was lost)", files.fileCount(), table.location(), version);
    Map<TopicPartition, Long> offsets = new HashMap<>();
    ranges.forEach((tp, r) -> offsets.put(tp, r.last()));
    return new Committed(version, files.fileCount(), files.byteCount(), offsets, latest.getSchema(),
        true, decision, null, duplicates);
  }

  private UnknownOutcomeException unknown(DataFiles files, RuntimeException cause,
      IndexManifest.Entry keysFile, List<String> indexFiles) {
    List<String> kept = new java.util.ArrayList<>(files == null ? List.of() : files.paths());
    if (keysFile != null) {
      kept.add(written().location(keysFile.file()));
    }
    indexFiles.forEach(f -> kept.add(written().location(f)));
    return new UnknownOutcomeException("The commit to " + table.location() + " failed, and whether"
        + " it landed is unknown (" + cause + "). The batch's " + kept.size() + " file(s) (data"
        + (keysFile == null ? "" : ", idempotency keys") + ") are kept, since a table version may"
        + " reference them; the task must restart and resume after the offsets the table holds."
        + " Data files no version references are removed by VACUUM.",
        kept, cause);
  }

  private Transaction createTransaction(StructType schema, List<String> partitionColumns) {
    Map<String, String> props = new HashMap<>();
    props.put("delta.checkpointInterval", Integer.toString(checkpointInterval));
    props.put(DOMAIN_METADATA_PROPERTY, "supported");
    if (columnMapping) {
      props.put(COLUMN_MAPPING_MODE, "name");
    }
    DataLayoutSpec layout = partitionColumns.isEmpty()
        ? DataLayoutSpec.noDataLayout()
        : DataLayoutSpec.partitioned(partitionColumns.stream().map(c -> new Column(c)).toList());
    return TableManager.buildCreateTableTransaction(table.location(), schema, engineInfo)
        .withCommitter(HistoryCommitter.INSTANCE)
        .withDataLayoutSpec(layout)
        .withTableProperties(props)
        .build(table.engine());
  }

  /**
   * Checks the gates on the batch against what the last committed batches left in the table;
   * returns the decision, or throws {@link GateHalted} (nothing written yet).
   */
  private GateDecision gate(RecordBuffer buffer, StructType schema,
      Map<TopicPartition, OffsetRange> ranges, long covered, GateState previous) {
    GateDecision decision = gates.evaluate(buffer, schema, covered, previous);
    if (decision.halts()) {
      String message = "Quality gate halted the batch for " + table.location() + ", nothing of it"
          + " committed (its records stay in Kafka after the stored offsets): "
          + Gates.describe(decision, ranges) + ". Release: change the gate (PUT"
          + " /connectors/<name>/config) and restart the task.";
      if (alerts != null) {
        alerts.breach(table.location(), domain.connectorId(), taskId, decision,
            Gates.ranges(ranges), false);
      }
      throw new GateHalted(message, decision);
    }
    if (!decision.isClean() && alerts != null) {
      alerts.breach(decision.quarantines() ? quarantine.table.location() : table.location(),
          domain.connectorId(), taskId, decision, Gates.ranges(ranges), true);
    }
    return decision;
  }

  /**
   * The history entry naming the Kafka records a version holds: every topic-partition of the
   * batch with its first and last offset, so any row's batch traces back to Kafka.
   */
  public static final String SOURCE_OFFSETS = "kafkaSourceOffsets";

  /** {@code topic-partition=first..last}, comma-separated, by topic and partition. */
  static String sourceOffsets(Map<TopicPartition, OffsetRange> ranges) {
    return ranges.entrySet().stream()
        .sorted(java.util.Comparator.comparing((Map.Entry<TopicPartition, OffsetRange> e)
            -> e.getKey().topic()).thenComparingInt(e -> e.getKey().partition()))
        .map(e -> e.getKey().topic() + "-" + e.getKey().partition() + "=" + e.getValue().first()
            + ".." + e.getValue().last())
        .collect(java.util.stream.Collectors.joining(","));
  }

  /** What {@link HistoryCommitter} adds to the version's commitInfo.operationMetrics. */
  private static java.util.function.Supplier<Map<String, String>> history(int rows, DataFiles files,
      GateDecision decision, String batchId, int duplicates, Map<String, String> changes,
      Map<TopicPartition, OffsetRange> ranges) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put("numFiles", Integer.toString(files.fileCount()));
    m.put("numOutputRows", Integer.toString(rows));
    m.put("numOutputBytes", Long.toString(files.byteCount()));
    m.put("batchId", batchId);
    m.put(SOURCE_OFFSETS, sourceOffsets(ranges));
    if (duplicates >= 0) { // records dropped for their idempotency key, in the batch or table
      m.put("numDuplicateRows", Integer.toString(duplicates));
    }
    m.putAll(changes);
    decision.values().forEach((k, v) -> m.put("gate." + k, String.valueOf(v)));
    if (!decision.isClean()) {
      m.put("gate.breaches", String.join(",", decision.breaches().stream()
          .map(b -> b.gate().name()).toList()));
    }
    Map<String, String> frozen = Map.copyOf(m);
    return () -> frozen;
  }

  /**
   * Refuses a table (made by another writer) that this sink cannot append to correctly, before any
   * file is written: one without domain metadata has nowhere to keep the Kafka offsets, and
   * Iceberg-compatible (UniForm) tables or tables with materialized partition columns need the
   * partition values inside every data file, which the sink does not write.
   */
  public static void checkWritable(Snapshot snapshot) {
    Set<String> features = snapshot.getProtocol().getWriterFeatures();
    if (!features.contains(DOMAIN_METADATA)) {
      throw new ConnectException("Delta table " + snapshot.getPath() + " does not support domain"
          + " metadata, where this sink keeps the Kafka offsets it committed (exactly once needs"
          + " them). Enable the table feature (table property delta.feature.domainMetadata ="
          + " supported, e.g. ALTER TABLE ... SET TBLPROPERTIES ('delta.feature.domainMetadata' ="
          + " 'supported') in Spark, or let the sink do it with "
          + "delta.table.enable.domain.metadata=true) and restart the task; nothing was written.");
    }
    for (String compat : List.of("delta.enableIcebergCompatV1", "delta.enableIcebergCompatV2",
        "delta.enableIcebergCompatV3")) {
      if ("true".equalsIgnoreCase(snapshot.getTableProperties().get(compat))) {
        throw new ConnectException("Delta table " + snapshot.getPath() + " has " + compat
            + "=true (UniForm): its data files must carry the partition columns and Iceberg field"
            + " ids, which this sink does not write yet; nothing was written.");
      }
    }
    if (features.contains("materializePartitionColumns")) {
      throw new ConnectException("Delta table " + snapshot.getPath() + " uses the"
          + " materializePartitionColumns feature: its data files must carry the partition columns,"
          + " which this sink does not write yet; nothing was written.");
    }
  }

  /**
   * Adds the domainMetadata feature to an existing table that lacks it (the user allowed it), and
   * returns the table as it is afterwards. Safe to race: a task that loses finds the feature there.
   */
  public Snapshot enableDomainMetadata(Snapshot snapshot) {
    for (int attempt = 0; attempt <= maxRetries; attempt++) {
      if (snapshot.getProtocol().getWriterFeatures().contains(DOMAIN_METADATA)) {
        return snapshot;
      }
      try {
        commitEmpty(snapshot.buildUpdateTableTransaction(engineInfo, Operation.MANUAL_UPDATE)
            .withTablePropertiesAdded(Map.of(DOMAIN_METADATA_PROPERTY, "supported")));
        LOG.info("Added the domainMetadata table feature to {} (delta.table.enable.domain.metadata)",
            table.location());
      } catch (ConcurrentWriteException e) {
        LOG.info("Enabling domain metadata on {} raced another writer; re-reading: {}",
            table.location(), e.getMessage());
      }
      snapshot = table.latest().orElseThrow(
          () -> new ConnectException("Delta table " + table.location() + " disappeared"));
    }
    throw new ConnectException("Could not add the domainMetadata feature to " + table.location()
        + " after " + (maxRetries + 1) + " attempts");
  }

  private void checkSchema(Snapshot snapshot, StructType schema, List<String> partitionColumns) {
    if (!SchemaMerge.covers(snapshot.getSchema(), schema)
        || !snapshot.getPartitionColumnNames().equals(partitionColumns)) {
      throw new ConnectException("Table " + table.location() + " changed under the task: schema "
          + snapshot.getSchema() + " partitioned by " + snapshot.getPartitionColumnNames()
          + ", but the batch was converted for " + schema + " partitioned by " + partitionColumns);
    }
  }

  /**
   * Adds the columns of {@code incoming} that the table lacks (enabling column mapping first if the
   * table was created without it) and returns the table's schema afterwards. Safe to race: a task
   * that loses finds the columns already there.
   */
  public StructType addColumns(StructType incoming) {
    for (int attempt = 0; attempt <= maxRetries; attempt++) {
      Snapshot snapshot = table.latest().orElseThrow(
          () -> new ConnectException("No Delta table at " + table.location() + " to evolve"));
      Optional<StructType> merged = SchemaMerge.addMissing(snapshot.getSchema(), incoming);
      if (merged.isEmpty()) {
        return snapshot.getSchema();
      }
      try {
        if (!PhysicalSchema.usesColumnMapping(snapshot.getSchema())) {
          // Kernel changes schemas only on column-mapping tables; none -> name keeps existing files.
          commitEmpty(snapshot.buildUpdateTableTransaction(engineInfo, Operation.MANUAL_UPDATE)
              .withTablePropertiesAdded(Map.of(COLUMN_MAPPING_MODE, "name")));
          LOG.info("Enabled column mapping on {} to allow schema evolution", table.location());
          continue;
        }
        commitEmpty(snapshot.buildUpdateTableTransaction(engineInfo, Operation.MANUAL_UPDATE)
            .withUpdatedSchema(merged.get()));
        LOG.info("Evolved the schema of {}: {}", table.location(), merged.get());
      } catch (ConcurrentWriteException e) {
        LOG.info("Schema change on {} raced another writer; re-reading: {}", table.location(),
            e.getMessage());
      }
    }
    throw new ConnectException("Could not evolve the schema of " + table.location() + " after "
        + (maxRetries + 1) + " attempts");
  }

  private void commitEmpty(io.delta.kernel.transaction.UpdateTableTransactionBuilder builder) {
    TransactionCommitResult result = builder.build(table.engine())
        .commit(table.engine(), CloseableIterable.emptyIterable());
    runHooks(result);
  }

  static boolean overlaps(Map<TopicPartition, Long> stored, Map<TopicPartition, OffsetRange> ranges) {
    for (Map.Entry<TopicPartition, Long> e : stored.entrySet()) {
      OffsetRange r = ranges.get(e.getKey());
      if (r != null && e.getValue() >= r.first()) {
        return true;
      }
    }
    return false;
  }

  private void runHooks(TransactionCommitResult result) {
    for (PostCommitHook hook : result.getPostCommitHooks()) {
      try {
        hook.threadSafeInvoke(table.engine());
      } catch (Exception e) {
        // A missing checkpoint slows readers down but loses nothing; the next one catches up.
        LOG.warn("Post-commit hook {} failed for {} version {}", hook.getType(), table.location(),
            result.getVersion(), e);
      }
    }
  }

  /**
   * Removes files that no table version references (best effort). Only for files known to be
   * unreferenced: never attempted, or the log checked after every attempt.
   */
  private void deleteUnreferenced(DataFiles files) {
    if (files != null) {
      files.delete(table.engine());
    }
  }
}
