package io.github.deltaconnect.sink.offsets;

import io.delta.kernel.Operation;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Transaction;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.utils.CloseableIterable;
import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.commit.HistoryCommitter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connect's offsets API (KIP-875) acting on the offsets a table stores: on a stopped connector,
 * {@code PATCH /connectors/{name}/offsets} sets where each partition resumes and
 * {@code DELETE} forgets them, in one commit that rewrites (or removes) the partitions' offset
 * domains. Without it a reset would do nothing: tasks resume after the table's offsets, not the
 * consumer group's. In append mode rows already in the table stay; what is replayed is appended
 * again (or left out by delta.idempotency.key, or applied again as the same changes in upsert
 * mode). In replace mode each domain also keeps the last offset the table held
 * ({@code replaceUntil}): the replay's commits replace the rows of the offsets they cover up to it.
 */
public final class OffsetRewrite {
  private static final Logger LOG = LoggerFactory.getLogger(OffsetRewrite.class);
  private static final int ATTEMPTS = 10;

  private OffsetRewrite() {}

  /**
   * Makes {@code table} resume each partition at the given offset (the next to read), or forget
   * it (null). Returns the version committed, or empty when there is no table or nothing to do.
   */
  public static Optional<Long> apply(DeltaTable table, OffsetDomain domain,
      Map<TopicPartition, Long> offsets) {
    return apply(table, domain, offsets, false);
  }

  /**
   * As above; with {@code replace}, a partition moved back keeps where the table's rows ended, so
   * the replay replaces them. Forgetting offsets (DELETE) is refused then: where a replay from
   * the group's reset position would start is not known here, and rows of offsets Kafka no longer
   * holds would be replaced by nothing.
   */
  public static Optional<Long> apply(DeltaTable table, OffsetDomain domain,
      Map<TopicPartition, Long> offsets, boolean replace) {
    return apply(table, domain, offsets, replace, false);
  }

  /**
   * As above; with {@code onlyStored}, partitions the table has no offsets of are left out (a
   * field-routed table holds only the partitions whose records named it).
   */
  public static Optional<Long> apply(DeltaTable table, OffsetDomain domain,
      Map<TopicPartition, Long> offsets, boolean replace, boolean onlyStored) {
    if (replace && offsets.values().stream().anyMatch(java.util.Objects::isNull)) {
      throw new ConnectException("delta.replay.mode=replace: resetting (DELETE) the offsets of "
          + table.location() + " is refused; PATCH each partition to the offset to replay from"
          + " (one Kafka still holds)");
    }
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Optional<Snapshot> latest = table.latest();
      if (latest.isEmpty()) {
        return Optional.empty();
      }
      Snapshot snapshot = latest.get();
      String marker = "alter-offsets-" + UUID.randomUUID();
      Transaction txn = snapshot.buildUpdateTableTransaction("kafka-connect-delta-sink offsets API",
          Operation.MANUAL_UPDATE).build(table.engine());
      Map<String, String> changes = new LinkedHashMap<>();
      Map<String, String> replacing = new LinkedHashMap<>();
      offsets.forEach((tp, next) -> {
        String name = domain.name(tp);
        if (onlyStored && snapshot.getDomainMetadata(name).isEmpty()) {
          return;
        }
        if (next == null) {
          if (snapshot.getDomainMetadata(name).isPresent()) {
            txn.removeDomainMetadata(name);
            changes.put(tp.toString(), "reset");
          }
        } else {
          // The table stores the last offset it holds: resuming at `next` means next - 1.
          long until = StoredOffset.NO_REPLAY;
          if (replace) {
            Optional<StoredOffset> held = snapshot.getDomainMetadata(name).map(OffsetDomain::decode);
            // An unfinished replay moved back again still has to replace up to its old end.
            until = held.map(h -> Math.max(h.offset(), h.replaceUntil()))
                .orElse(StoredOffset.NO_REPLAY);
          }
          txn.addDomainMetadata(name, OffsetDomain.encode(next - 1, domain.connectorId(), -1,
              marker, until));
          changes.put(tp.toString(), Long.toString(next));
          if (until > next - 1) {
            replacing.put(tp.toString(), Long.toString(until));
          }
        }
      });
      if (changes.isEmpty()) {
        return Optional.empty();
      }
      Map<String, String> history = new LinkedHashMap<>();
      history.put(HistoryCommitter.OPERATION, "SET KAFKA OFFSETS");
      changes.forEach((tp, v) -> history.put("kafkaOffset." + tp, v));
      replacing.forEach((tp, v) -> history.put("replaceUntil." + tp, v));
      txn.withCommitterProperties(() -> history);
      try {
        long version = txn.commit(table.engine(), CloseableIterable.emptyIterable()).getVersion();
        LOG.info("Offsets of {} set through Connect's offsets API at version {}: {}{}",
            table.location(), version, changes, replacing.isEmpty() ? ""
                : "; the replay replaces the table's rows up to " + replacing);
        return Optional.of(version);
      } catch (ConcurrentWriteException e) {
        LOG.info("Setting offsets on {} raced another writer; re-reading: {}", table.location(),
            e.getMessage());
      }
    }
    throw new ConnectException("Could not set the offsets of " + table.location() + " after "
        + ATTEMPTS + " attempts (is a task still writing? stop the connector first)");
  }
}
