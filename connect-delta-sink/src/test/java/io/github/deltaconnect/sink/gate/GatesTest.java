package io.github.deltaconnect.sink.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.github.deltaconnect.sink.buffer.RecordBuffer;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The gates' arithmetic and decisions on a buffer built by hand. */
class GatesTest {
  static final StructType ADDRESS = new StructType().add("city", StringType.STRING, true);
  static final StructType SCHEMA = new StructType()
      .add("id", StringType.STRING, false)
      .add("user_id", LongType.LONG, true)
      .add("amount", DoubleType.DOUBLE, true)
      .add("address", ADDRESS, true);
  static final TopicPartition TP = new TopicPartition("t", 0);

  /** 10 rows: user_id null in rows 0-1, address null in row 2, city null in rows 3-4. */
  static RecordBuffer buffer() {
    RecordBuffer b = new RecordBuffer();
    for (int i = 0; i < 10; i++) {
      Object[] address = i == 2 ? null : new Object[] {i == 3 || i == 4 ? null : "Lyon"};
      Object[] row = {"r" + i, i < 2 ? null : (long) i, i * 10.0 - 20, address};
      b.add(TP, i, List.of(i % 2 == 0 ? "a" : "b"), SCHEMA, row, 0);
      if (i >= 7) {
        b.markTagged();
      }
    }
    return b;
  }

  static Gate gate(String metric, Double threshold, Double min, Double max, GateAction action) {
    return new Gate(metric, GateMetric.parse(metric), threshold, min, max, 2, action);
  }

  static GateDecision evaluate(GateState state, Gate... gates) {
    return new Gates(List.of(gates)).evaluate(buffer(), SCHEMA, 1000, state);
  }

  @Test
  void nullRatesCountNullsOfTheFieldAndOfStructsOnItsPathAcrossTablePartitions() {
    GateDecision d = evaluate(GateState.EMPTY,
        gate("null_rate_user_id", 0.2, null, null, GateAction.ALERT),
        gate("null_rate_address.city", 0.2, null, null, GateAction.ALERT),
        gate("null_rate_address", 0.2, null, null, GateAction.ALERT));
    assertEquals(0.2, (Double) d.values().get("null_rate_user_id"), 1e-9);
    assertEquals(0.3, (Double) d.values().get("null_rate_address.city"), 1e-9);
    assertEquals(0.1, (Double) d.values().get("null_rate_address"), 1e-9);
    assertEquals(List.of("null_rate_address.city"),
        d.breaches().stream().map(b -> b.gate().name()).toList(), "0.2 is not above 0.2");
    assertFalse(d.halts());
  }

  @Test
  void qualityScoreIsTheShareOfUntaggedRows() {
    GateDecision d = evaluate(GateState.EMPTY,
        gate("data_quality_score", 0.8, null, null, GateAction.HALT_AND_ALERT));
    assertEquals(0.7, (Double) d.values().get("data_quality_score"), 1e-9);
    assertTrue(d.halts());
    assertTrue(d.breaches().get(0).reason().contains("0.7000 of 10 rows carry no violation tag,"
        + " below 0.8"), d.breaches().get(0).reason());
  }

  @Test
  void minAndMaxSkipNullsAndBoundTheBatch() {
    GateDecision d = evaluate(GateState.EMPTY,
        gate("min_amount", null, 0.0, null, GateAction.ALERT),
        gate("max_user_id", null, null, 9.0, GateAction.ALERT),
        gate("row_count", null, 11.0, null, GateAction.ALERT));
    assertEquals(-20.0, d.values().get("min_amount"));
    assertEquals(9.0, d.values().get("max_user_id"));
    assertEquals(10L, d.values().get("row_count"));
    assertEquals(List.of("min_amount", "row_count"),
        d.breaches().stream().map(b -> b.gate().name()).toList());
    assertTrue(d.breaches().get(0).reason().contains("value -20 is below the minimum 0"));
  }

  @Test
  void rowCountDeltaWaitsForItsWindowThenComparesWithTheTrailingMean() {
    Gate delta = gate("row_count_delta", 0.5, null, null, GateAction.HALT_AND_ALERT);
    // 10 rows over 1000 ms: 10 rows/s
    assertFalse(evaluate(GateState.EMPTY, delta).values().containsKey("row_count_delta"),
        "no trailing batches: not evaluated");
    assertFalse(evaluate(GateState.EMPTY.next(10, "h"), delta).values()
        .containsKey("row_count_delta"), "one of two: still warming up");
    GateState steady = GateState.EMPTY.next(9, "h").next(11, "h");
    GateDecision ok = evaluate(steady, delta);
    assertEquals(0.0, (Double) ok.values().get("row_count_delta"), 1e-9);
    assertTrue(ok.isClean());
    GateDecision jump = evaluate(GateState.EMPTY.next(100, "h").next(2, "h").next(3, "h"), delta);
    assertEquals(3.0, (Double) jump.values().get("row_count_delta"), 1e-9, "10 against 2.5");
    assertTrue(jump.halts());
  }

  @Test
  void schemaHashIsStableForTheSameShapeAndBreaksOnChange() {
    String hash = BatchMetrics.schemaHash(SCHEMA);
    assertEquals(hash, BatchMetrics.schemaHash(new StructType(SCHEMA.fields())));
    assertNotEquals(hash, BatchMetrics.schemaHash(SCHEMA.add("extra", StringType.STRING, true)));
    Gate drift = gate("schema_hash", null, null, null, GateAction.ALERT);
    assertTrue(evaluate(GateState.EMPTY, drift).isClean(), "nothing to compare with");
    assertTrue(evaluate(GateState.EMPTY.next(1, hash), drift).isClean());
    GateDecision changed = evaluate(GateState.EMPTY.next(1, "0123456789abcdef"), drift);
    assertTrue(changed.breaches().get(0).reason().contains("from hash 0123456789abcdef to "
        + hash));
  }

  @Test
  void aFieldTheTableLacksIsRefusedWithItsPath() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> evaluate(GateState.EMPTY,
        gate("null_rate_address.town", 0.1, null, null, GateAction.ALERT))).getMessage()
        .contains("no column 'address.town'"));
  }

  @Test
  void stateRoundTripsThroughItsJsonAndKeepsTheLastHundredRates() {
    GateState s = GateState.EMPTY;
    for (int i = 0; i < 150; i++) {
      s = s.next(i, "h" + i);
    }
    GateState back = GateState.decode(s.encode());
    assertEquals(s, back);
    assertEquals(100, back.rates().size());
    assertEquals(149.0, back.rates().get(99));
    assertEquals(GateState.EMPTY, GateState.decode("not json"));
  }

  @Test
  void registryValidationHaltsABatchWhoseRecordSchemaIsNotRegisteredAndPassesOnceItIs() {
    RegistryCheckTest.Registry registry =
        new RegistryCheckTest.Registry().register("t-value", RegistryCheckTest.V1);
    Gate gate = new Gate("schema", GateMetric.parse("schema_hash"), null, null, null, 10,
        GateAction.REGISTRY_VALIDATION, null, "latest");
    Gates gates = new Gates(List.of(gate), new RegistryCheck(registry));
    RecordBuffer b = buffer();
    b.noteRecordSchema("t", RegistryCheckTest.connect(RegistryCheckTest.V1));
    b.noteRecordSchema("t", RegistryCheckTest.connect(RegistryCheckTest.V2));
    GateDecision d = gates.evaluate(b, SCHEMA, 1000, GateState.EMPTY);
    assertTrue(d.halts(), "registry_validation halts like halt_and_alert");
    assertEquals(1, d.breaches().size());
    assertTrue(d.breaches().get(0).reason().contains("note:string?"), d.breaches().get(0).reason());
    assertEquals(BatchMetrics.schemaHash(SCHEMA), d.values().get("schema_hash"));

    registry.register("t-value", RegistryCheckTest.V2);
    assertTrue(gates.evaluate(b, SCHEMA, 1000, GateState.EMPTY).isClean());
    assertThrows(IllegalArgumentException.class, () -> new Gates(List.of(gate)),
        "a registry gate without a registry is a programming error, not a silent pass");
  }
}
