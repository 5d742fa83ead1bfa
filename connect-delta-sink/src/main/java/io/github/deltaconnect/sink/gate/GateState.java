package io.github.deltaconnect.sink.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What gates remember between batches: the rows per second of the last committed batches (for
 * row_count_delta) and the last committed schema hash (for schema_hash). Kept in the table as a
 * domain per connector and task, written in the same commit as the batch, so it survives
 * restarts and is exactly as old as the table's offsets. Immutable.
 *
 * <p>Per task, not per connector: every task writing one domain would make concurrent commits of
 * different tasks conflict. Task ids are stable across restarts; a rebalance changes which
 * partitions a task reads, and so the rates it compares, which the window absorbs.
 */
public record GateState(List<Double> rates, String schemaHash) {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The most rates kept, whatever the gates' windows. */
  public static final int MAX_RATES = 100;
  public static final GateState EMPTY = new GateState(List.of(), null);

  public GateState {
    rates = List.copyOf(rates);
  }

  public static String domain(String connectorId, int taskId) {
    return "deltaconnect.gates." + connectorId + ".task-" + taskId;
  }

  /** The state after committing a batch with this rate and schema hash. */
  public GateState next(double rate, String hash) {
    List<Double> out = new ArrayList<>(rates);
    out.add(rate);
    while (out.size() > MAX_RATES) {
      out.remove(0);
    }
    return new GateState(out, hash);
  }

  /** Mean of the last {@code window} rates, or null with fewer than {@code window}. */
  public Double trailingMean(int window) {
    if (rates.size() < window || window <= 0) {
      return null;
    }
    double sum = 0;
    for (int i = rates.size() - window; i < rates.size(); i++) {
      sum += rates.get(i);
    }
    return sum / window;
  }

  public String encode() {
    ObjectNode node = JSON.createObjectNode();
    ArrayNode array = node.putArray("rates");
    rates.forEach(array::add);
    if (schemaHash != null) {
      node.put("schema_hash", schemaHash);
    }
    return node.toString();
  }

  /** Reads a stored state; an unreadable one counts as none (the gates warm up again). */
  public static GateState decode(String json) {
    try {
      JsonNode node = JSON.readTree(json);
      List<Double> rates = new ArrayList<>();
      node.path("rates").forEach(r -> rates.add(r.asDouble()));
      JsonNode hash = node.get("schema_hash");
      return new GateState(rates, hash == null || hash.isNull() ? null : hash.asText());
    } catch (Exception e) {
      return EMPTY;
    }
  }
}
