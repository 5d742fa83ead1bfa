package io.github.deltaconnect.sink.commit;

import io.delta.kernel.commit.CommitFailedException;
import io.delta.kernel.commit.CommitMetadata;
import io.delta.kernel.commit.CommitResponse;
import io.delta.kernel.commit.Committer;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.actions.CommitInfo;
import io.delta.kernel.internal.actions.SingleAction;
import io.delta.kernel.internal.commit.DefaultFileSystemManagedTableOnlyCommitter;
import io.delta.kernel.utils.CloseableIterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kernel's file-system committer, with the batch's figures added to the version's
 * {@code commitInfo.operationMetrics}, which Spark's {@code DESCRIBE HISTORY} shows per version:
 * {@code numFiles}, {@code numOutputRows}, {@code numOutputBytes} as Spark's own appends write
 * them, and every gate metric and decision under {@code gate.*}.
 *
 * <p>Kernel 4.4's transaction builders have no way to set commitInfo fields; its {@link Committer}
 * hook (4.1+, experimental) is the one place that sees the commitInfo action before it is written,
 * and the properties a transaction passes with {@code withCommitterProperties}. Everything Kernel
 * put in the commitInfo (timestamp, in-commit timestamp, engineInfo, operation, txnId) is copied
 * unchanged, and the action keeps its place (first), so conflict checks, in-commit timestamps and
 * checksums, which read their own fields, see what they would have. Uses Kernel's internal
 * {@code CommitInfo}/{@code SingleAction}: pinned to the Kernel version the build uses, and
 * {@code QualityGatesTest} reads the log back to catch a change.
 */
public final class HistoryCommitter implements Committer {
  /**
   * A committer property naming the version's operation in place of Kernel's (whose enum has no
   * OPTIMIZE), e.g. for compaction; not copied into the metrics.
   */
  public static final String OPERATION = "operation";

  /** The one instance: it holds no state, the figures come with each commit. */
  public static final HistoryCommitter INSTANCE = new HistoryCommitter();

  private final Committer delegate = DefaultFileSystemManagedTableOnlyCommitter.INSTANCE;

  private HistoryCommitter() {}

  @Override
  public CommitResponse commit(Engine engine, CloseableIterator<Row> actions,
      CommitMetadata metadata) throws CommitFailedException {
    Map<String, String> extra = metadata.getCommitterProperties().get();
    if (extra == null || extra.isEmpty()) {
      return delegate.commit(engine, actions, metadata);
    }
    CommitInfo kernel = metadata.getCommitInfo();
    Map<String, String> metrics = new LinkedHashMap<>(kernel.getOperationMetrics());
    metrics.putAll(extra);
    String operation = metrics.remove(OPERATION);
    Row enriched = SingleAction.createCommitInfoSingleAction(new CommitInfo(
        kernel.getInCommitTimestamp(), kernel.getTimestamp(), kernel.getEngineInfo(),
        operation != null ? java.util.Optional.of(operation) : kernel.getOperation(),
        kernel.getOperationParameters(),
        kernel.getIsBlindAppend(),
        kernel.getTxnId(), metrics).toRow());
    return delegate.commit(engine, actions.map(row -> isCommitInfo(row) ? enriched : row),
        metadata);
  }

  private static boolean isCommitInfo(Row row) {
    int ordinal = row.getSchema().indexOf("commitInfo");
    return ordinal >= 0 && !row.isNullAt(ordinal);
  }
}
