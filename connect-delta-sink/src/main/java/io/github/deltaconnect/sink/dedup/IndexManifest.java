package io.github.deltaconnect.sink.dedup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The idempotency index as one table version sees it, kept in the table's domain metadata so it
 * commits atomically with the rows whose keys it lists: the key fields, and the key segments (files
 * under the table, oldest first) with their sizes, event-time ranges and merge levels.
 * {@code evictedKeys}: keys forgotten before their window ended, because the index reached
 * {@code delta.idempotency.max.keys}.
 */
public record IndexManifest(List<String> key, List<Entry> segments, long evictedKeys) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One segment file, relative to the table's root. */
  public record Entry(String file, int keys, long minTs, long maxTs, int level) {}

  public IndexManifest {
    key = List.copyOf(key);
    segments = List.copyOf(segments);
  }

  public static IndexManifest empty(List<String> key) {
    return new IndexManifest(key, List.of(), 0);
  }

  public long keys() {
    return segments.stream().mapToLong(Entry::keys).sum();
  }

  public String encode() {
    ObjectNode node = JSON.createObjectNode();
    ArrayNode k = node.putArray("key");
    key.forEach(k::add);
    ArrayNode s = node.putArray("segments");
    for (Entry e : segments) {
      s.addObject().put("file", e.file()).put("keys", e.keys()).put("minTs", e.minTs())
          .put("maxTs", e.maxTs()).put("level", e.level());
    }
    node.put("evictedKeys", evictedKeys);
    return node.toString();
  }

  public static IndexManifest decode(String configuration) {
    try {
      JsonNode node = JSON.readTree(configuration);
      List<String> key = new ArrayList<>();
      node.path("key").forEach(k -> key.add(k.asText()));
      List<Entry> segments = new ArrayList<>();
      for (JsonNode e : node.path("segments")) {
        if (!e.hasNonNull("file") || !e.path("keys").canConvertToInt()) {
          throw new IllegalStateException("idempotency index entry without file or keys: " + e);
        }
        segments.add(new Entry(e.get("file").asText(), e.get("keys").asInt(),
            e.path("minTs").asLong(), e.path("maxTs").asLong(), e.path("level").asInt()));
      }
      return new IndexManifest(key, segments, node.path("evictedKeys").asLong());
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable idempotency index: " + configuration, e);
    }
  }
}
