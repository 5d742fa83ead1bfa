package io.github.deltaconnect.sink.offsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.TopicPartition;

/**
 * Names and encodes the Delta domain metadata that stores, per connector and Kafka topic-partition,
 * the last offset a commit contains: domain {@code kafka.offsets.<connector>.<topic>.<partition>},
 * configuration {@code {"offset":N,"connector":...,"task":...,"batch":...}}.
 *
 * <p>One domain per topic-partition (rather than one per connector) matters for fencing: Delta's
 * conflict checker rejects a commit when a concurrent winner wrote the same domain, so two tasks
 * that both believe they own a partition cannot both commit it, while tasks owning different
 * partitions commit side by side.
 */
public final class OffsetDomain {
  private static final String PREFIX = "kafka.offsets.";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String connectorId;

  public OffsetDomain(String connectorId) {
    if (connectorId == null || connectorId.isBlank()) {
      throw new IllegalArgumentException("connector id must not be empty");
    }
    this.connectorId = connectorId;
  }

  public String name(TopicPartition tp) {
    return PREFIX + connectorId + "." + tp.topic() + "." + tp.partition();
  }

  /** {@code batchId}: unique per batch, so a commit can be told apart from every other. */
  public static String encode(long offset, String connectorId, int taskId, String batchId) {
    return encode(offset, connectorId, taskId, batchId, StoredOffset.NO_REPLAY);
  }

  /** As above, with the end of a replace-mode replay still to come (kept while past offset). */
  public static String encode(long offset, String connectorId, int taskId, String batchId,
      long replaceUntil) {
    ObjectNode node = JSON.createObjectNode();
    node.put("offset", offset);
    node.put("connector", connectorId);
    node.put("task", taskId);
    node.put("batch", batchId);
    if (replaceUntil > offset) {
      node.put("replaceUntil", replaceUntil);
    }
    return node.toString();
  }

  /** A domain's configuration, read back. */
  public static StoredOffset decode(String configuration) {
    try {
      JsonNode node = JSON.readTree(configuration);
      JsonNode offset = node == null ? null : node.get("offset");
      if (offset == null || !offset.canConvertToLong()) {
        throw new IllegalStateException("offset domain without a numeric offset: " + configuration);
      }
      return new StoredOffset(offset.asLong(), node.path("connector").asText(""),
          node.path("task").asInt(-1), node.path("batch").asText(""),
          node.path("replaceUntil").asLong(StoredOffset.NO_REPLAY));
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable offset domain: " + configuration, e);
    }
  }

  public String connectorId() {
    return connectorId;
  }
}
