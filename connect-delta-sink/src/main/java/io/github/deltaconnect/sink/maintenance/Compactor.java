package io.github.deltaconnect.sink.maintenance;

import io.delta.kernel.Operation;
import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Transaction;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterable;
import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.commit.HistoryCommitter;
import io.github.deltaconnect.sink.write.DataFiles;
import io.github.deltaconnect.sink.write.KeptRows;
import io.github.deltaconnect.sink.write.Iterators;
import io.github.deltaconnect.sink.write.TableFiles;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bin-packs the small files of a table partition into files of the target size, as Delta's
 * OPTIMIZE does: one commit removes the small files and adds the new ones, all with
 * {@code dataChange=false} (streaming readers skip it: no row changed). The rows are read back as
 * the table shows them (deletion vectors of other writers applied).
 *
 * <p>Safe beside writers: an append by another writer adds files this commit does not touch
 * (Kernel rebases it); a writer that removed one of the same files first (an upsert's rewrite, or
 * another compaction) makes Kernel's conflict checker refuse this commit, whose files are then
 * deleted (no version references them). A compaction whose outcome is unknown keeps its files.
 */
public final class Compactor {
  private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

  /** The small files of one table partition. */
  public record Candidate(Map<String, String> partition, List<Row> files, long bytes) {}

  /** What one compaction did. */
  public record Result(long version, int removed, int added, long rows, long bytesBefore,
      long bytesAfter) {}

  private final DeltaTable table;
  private final long smallFileBytes;
  private final int minFiles;
  private final String engineInfo;

  /** Compacts partitions holding at least {@code minFiles} files under {@code smallFileBytes}. */
  public Compactor(DeltaTable table, long smallFileBytes, int minFiles, String engineInfo) {
    this.table = table;
    this.smallFileBytes = smallFileBytes;
    this.minFiles = minFiles;
    this.engineInfo = engineInfo;
  }

  /** The partitions worth compacting in {@code snapshot}, the most small files first. */
  public List<Candidate> plan(Snapshot snapshot) {
    Map<Map<String, String>, List<Row>> small = new LinkedHashMap<>();
    for (Row file : TableFiles.list(table.engine(), snapshot.getScanBuilder().build())) {
      if (TableFiles.size(file) < smallFileBytes) {
        small.computeIfAbsent(InternalScanFileUtils.getPartitionValues(file),
            p -> new ArrayList<>()).add(file);
      }
    }
    List<Candidate> out = new ArrayList<>();
    small.forEach((partition, files) -> {
      if (files.size() >= minFiles) {
        out.add(new Candidate(partition, files,
            files.stream().mapToLong(TableFiles::size).sum()));
      }
    });
    out.sort(Comparator.comparingInt((Candidate c) -> c.files().size()).reversed());
    return out;
  }

  /**
   * Rewrites the candidate's files in one commit on top of {@code snapshot}; empty when a
   * concurrent writer removed one of them first (nothing changed, the new files are deleted).
   */
  public Optional<Result> compact(Snapshot snapshot, Candidate candidate) {
    Engine engine = table.engine();
    Transaction txn = snapshot.buildUpdateTableTransaction(engineInfo, Operation.MANUAL_UPDATE)
        .build(engine);
    Row state = txn.getTransactionState(engine);
    StructType txnSchema = txn.getSchema(engine);
    StructType schema = snapshot.getSchema();
    List<String> partitionColumns = snapshot.getPartitionColumnNames();
    Scan scan = snapshot.getScanBuilder().build();
    Row scanState = scan.getScanState(engine);
    KeptRows rows = new KeptRows();
    for (Row file : candidate.files()) {
      rows.add(engine, scanState, file, (data, r) -> true); // every live row moves
    }
    int count = rows.count();
    DataFiles files = rows.write(engine, state, txnSchema, table.files(), schema,
        partitionColumns);
    List<Row> actions = new ArrayList<>();
    candidate.files().forEach(f -> actions.add(TableFiles.remove(f, false)));
    files.appendActions(engine, state).forEach(a -> actions.add(NoDataChange.of(a)));
    Map<String, String> metrics = Map.of(
        HistoryCommitter.OPERATION, "OPTIMIZE",
        "numRemovedFiles", Integer.toString(candidate.files().size()),
        "numAddedFiles", Integer.toString(files.fileCount()),
        "numRemovedBytes", Long.toString(candidate.bytes()),
        "numAddedBytes", Long.toString(files.byteCount()),
        "numCompactedRows", Integer.toString(count));
    txn.withCommitterProperties(() -> metrics);
    TransactionCommitResult result;
    try {
      result = txn.commit(engine,
          CloseableIterable.inMemoryIterable(Iterators.closeable(actions.iterator())));
    } catch (ConcurrentWriteException e) {
      LOG.info("Compaction of {} files in {} {} gave way to a concurrent writer: {}",
          candidate.files().size(), table.location(), candidate.partition(), e.getMessage());
      files.delete(engine); // refused: no version references them
      return Optional.empty();
    } catch (RuntimeException e) {
      // It may have landed: a version may reference the files, so they stay (VACUUM-able if not).
      LOG.warn("Compaction commit to {} failed, outcome unknown; its {} new files are kept: {}",
          table.location(), files.fileCount(), files.paths(), e);
      throw e;
    }
    LOG.info("Compacted {} files ({} bytes) of {} {} into {} ({} bytes) at version {}",
        candidate.files().size(), candidate.bytes(), table.location(), candidate.partition(),
        files.fileCount(), files.byteCount(), result.getVersion());
    return Optional.of(new Result(result.getVersion(), candidate.files().size(),
        files.fileCount(), count, candidate.bytes(), files.byteCount()));
  }
}
