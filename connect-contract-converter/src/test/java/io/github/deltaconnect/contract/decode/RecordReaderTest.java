package io.github.deltaconnect.contract.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.avro.AvroData;
import io.github.deltaconnect.contract.config.ContractConverterConfig;
import io.github.deltaconnect.contract.contract.Contracts;
import io.github.deltaconnect.contract.errors.ContractViolation;
import io.github.deltaconnect.contract.errors.Reason;
import io.github.deltaconnect.contract.errors.RegistryFailure;
import io.github.deltaconnect.contract.metrics.ConverterMetrics;
import io.github.deltaconnect.contract.testing.InMemoryRegistry;
import io.github.deltaconnect.contract.testing.Wire;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class RecordReaderTest {
  static final String TOPIC = "orders";
  static final String SUBJECT = "orders-value";
  static final String V1 = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":["
      + "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"qty\",\"type\":\"int\"}]}";
  static final String V2 = V1.replace("\"int\"}]}",
      "\"int\"},{\"name\":\"channel\",\"type\":[\"null\",\"string\"],\"default\":null}]}");
  static final String V3_BAD = V2.replace("\"qty\",\"type\":\"int\"", "\"qty\",\"type\":\"string\"");
  static final String OTHER = "{\"type\":\"record\",\"name\":\"Refund\",\"namespace\":\"shop\","
      + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";

  final InMemoryRegistry registry = new InMemoryRegistry();
  final AtomicLong clock = new AtomicLong();
  final ConverterMetrics metrics = new ConverterMetrics(Optional.empty());

  RecordReader reader(Map<String, String> extra) {
    Map<String, String> props = new HashMap<>();
    props.put(ContractConverterConfig.REGISTRY_URL, "http://unused:1");
    props.putAll(extra);
    ContractConverterConfig config = new ContractConverterConfig(props);
    Optional<io.github.deltaconnect.registry.SchemaRegistry> reg =
        config.registryUrls().isEmpty() ? Optional.empty() : Optional.of(registry);
    Contracts contracts = new Contracts(config, reg, clock::get);
    return new RecordReader(config, false, reg, contracts, metrics, clock::get,
        AvroData::toConnect);
  }

  static GenericRecord order(String schema, String id, Object qty, String channel) {
    GenericRecord r = new GenericData.Record(new Schema.Parser().parse(schema));
    r.put("id", id);
    r.put("qty", qty);
    if (r.getSchema().getField("channel") != null) {
      r.put("channel", channel);
    }
    return r;
  }

  static byte[] wire(int id, String schema, GenericRecord record) {
    return Wire.encode(id, new Schema.Parser().parse(schema), record);
  }

  @Test
  void aFloodOfDistinctForeignSchemaIdsDoesNotGrowWhatTheReaderRemembers() {
    int v1 = registry.register(SUBJECT, V1);
    RecordReader reader = reader(Map.of(ContractConverterConfig.CACHE_SIZE, "10"));
    reader.read(TOPIC, wire(v1, V1, order(V1, "a", 1, null)));
    // 100 schemas registered under another subject: each is refused here and noted as drift.
    for (int i = 0; i < 100; i++) {
      String foreign = V1.replace("\"Order\"", "\"Order" + i + "\"");
      int id = registry.register("elsewhere-" + i, foreign);
      org.junit.jupiter.api.Assertions.assertThrows(
          org.apache.kafka.connect.errors.DataException.class,
          () -> reader.read(TOPIC, wire(id, foreign, order(foreign, "x", 1, null))));
    }
    int remembered = reader.schemaIdsRemembered(SUBJECT);
    org.junit.jupiter.api.Assertions.assertTrue(remembered > 0 && remembered <= 10,
        "remembered " + remembered);
  }

  @Test
  void olderAndNewerRegisteredWritersAreProjectedOntoThePinnedContract() {
    int v1 = registry.register(SUBJECT, V1);
    int v2 = registry.register(SUBJECT, V2);
    RecordReader reader = reader(Map.of(ContractConverterConfig.CONTRACT_VERSION, "1"));

    SchemaAndValue a = reader.read(TOPIC, wire(v1, V1, order(V1, "a", 1, null)));
    SchemaAndValue b = reader.read(TOPIC, wire(v2, V2, order(V2, "b", 2, "web")));

    assertSame(a.schema(), b.schema(), "one Connect schema per contract version");
    assertEquals("shop.Order", a.schema().name());
    assertEquals(2, a.schema().fields().size(), "v2's extra field is dropped");
    assertEquals("b", ((Struct) b.value()).getString("id"));
    assertEquals(2, ((Struct) b.value()).getInt32("qty"));
    assertEquals(2, metrics.getAcceptedRecords());
  }

  @Test
  void theLatestContractFillsDefaultsForOlderWritersAndIsReReadOnItsInterval() {
    int v1 = registry.register(SUBJECT, V1);
    RecordReader reader = reader(Map.of(ContractConverterConfig.CONTRACT_REFRESH_MS, "60000"));
    SchemaAndValue before = reader.read(TOPIC, wire(v1, V1, order(V1, "a", 1, null)));
    assertEquals(2, before.schema().fields().size());

    int v2 = registry.register(SUBJECT, V2);
    SchemaAndValue stillV1 = reader.read(TOPIC, wire(v1, V1, order(V1, "b", 2, null)));
    assertEquals(2, stillV1.schema().fields().size(), "not re-read before the interval");

    clock.addAndGet(TimeUnit.SECONDS.toNanos(61));
    SchemaAndValue after = reader.read(TOPIC, wire(v1, V1, order(V1, "c", 3, null)));
    assertEquals(3, after.schema().fields().size(), "now projected onto v2");
    assertNull(((Struct) after.value()).get("channel"), "the default fills the missing field");
    SchemaAndValue v2Row = reader.read(TOPIC, wire(v2, V2, order(V2, "d", 4, "app")));
    assertEquals("app", ((Struct) v2Row.value()).get("channel"));
  }

  @Test
  void eachKindOfBadRecordIsRefusedWithItsReason() {
    int v1 = registry.register(SUBJECT, V1);
    registry.register(SUBJECT, V2);
    registry.setCompatibility(SUBJECT, "NONE");
    int v3 = registry.register(SUBJECT, V3_BAD); // only registrable because the level was NONE
    registry.setCompatibility(SUBJECT, "BACKWARD");
    int elsewhere = registry.register("refunds-value", OTHER);
    RecordReader reader = reader(Map.of(ContractConverterConfig.CONTRACT_VERSION, "2"));
    byte[] good = wire(v1, V1, order(V1, "a", 1, null));

    assertRefused(Reason.NOT_WIRE_FORMAT, "first byte is 0x7b", reader, "{\"id\":1}".getBytes());
    assertRefused(Reason.NOT_WIRE_FORMAT, "shorter than the 5-byte", reader, new byte[] {0, 1});
    assertRefused(Reason.UNKNOWN_SCHEMA_ID, "schema id 999 is not in the Schema Registry", reader,
        wire(999, V1, order(V1, "x", 1, null)));
    assertRefused(Reason.NOT_REGISTERED, "is not registered under subject 'orders-value'", reader,
        wire(elsewhere, OTHER, refund()));
    assertRefused(Reason.INCOMPATIBLE, "field 'qty': TYPE_MISMATCH", reader,
        wire(v3, V3_BAD, order(V3_BAD, "y", "many", null)));
    assertRefused(Reason.CORRUPT, "does not decode", reader, Arrays.copyOf(good, good.length - 2));
    byte[] trailing = Arrays.copyOf(good, good.length + 3);
    assertRefused(Reason.CORRUPT, "bytes are left after the record", reader, trailing);

    assertEquals(7, metrics.getRejectedRecords());
    assertEquals(2, metrics.getRejectedNotWireFormat());
    assertEquals(1, metrics.getRejectedIncompatible());
    assertEquals(2, metrics.getRejectedCorrupt());
    assertEquals("a", ((Struct) reader.read(TOPIC, good).value()).getString("id"),
        "good records still pass after bad ones");
  }

  @Test
  void aRefusedSchemaIdIsDecidedOnceNotPerRecord() {
    int elsewhere = registry.register("refunds-value", OTHER);
    registry.register(SUBJECT, V1);
    RecordReader reader = reader(Map.of());
    byte[] bad = wire(elsewhere, OTHER, refund());
    assertRefused(Reason.NOT_REGISTERED, "", reader, bad);
    int calls = registry.calls;
    for (int i = 0; i < 100; i++) {
      assertRefused(Reason.NOT_REGISTERED, "", reader, bad);
    }
    assertEquals(calls, registry.calls, "no registry call per refused record");
  }

  @Test
  void anUnreachableRegistryFailsTheTaskInsteadOfRefusingRecords() {
    int v1 = registry.register(SUBJECT, V1);
    RecordReader reader = reader(Map.of());
    registry.setDown(true);
    RegistryFailure failure = assertThrows(RegistryFailure.class,
        () -> reader.read(TOPIC, wire(v1, V1, order(V1, "a", 1, null))));
    assertTrue(failure.getMessage().contains("restart it once the registry is reachable"),
        failure.getMessage());
    assertEquals(0, metrics.getRejectedRecords(), "nothing counted as bad data");
  }

  @Test
  void withRecordNameStrategyEachRecordTypeHasItsOwnContract() {
    int order = registry.register("shop.Order", V1);
    int refund = registry.register("shop.Refund", OTHER);
    RecordReader reader = reader(Map.of(ContractConverterConfig.SUBJECT_NAME_STRATEGY,
        "io.confluent.kafka.serializers.subject.RecordNameStrategy"));
    assertEquals("shop.Order", reader.read(TOPIC, wire(order, V1, order(V1, "a", 1, null)))
        .schema().name());
    assertEquals("shop.Refund", reader.read(TOPIC, wire(refund, OTHER, refund())).schema().name());
  }

  @Test
  void aTombstoneConvertsToNull() {
    assertEquals(SchemaAndValue.NULL, reader(Map.of()).read(TOPIC, null));
  }

  @Test
  void withoutARegistryRecordsAreReadWithTheLocalContract() {
    RecordReader reader = reader(Map.of(ContractConverterConfig.REGISTRY_URL, "",
        ContractConverterConfig.CONTRACT_SCHEMA, V1));
    SchemaAndValue v = reader.read(TOPIC, wire(7, V1, order(V1, "a", 5, null)));
    assertEquals(5, ((Struct) v.value()).getInt32("qty"));
    assertRefused(Reason.CORRUPT, "does not decode", reader, new byte[] {0, 0, 0, 0, 7, 2});
  }

  @Test
  void aMissingRegistryUrlWithoutALocalContractIsAConfigError() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> reader(Map.of(ContractConverterConfig.REGISTRY_URL, "")));
    assertTrue(e.getMessage().contains(ContractConverterConfig.REGISTRY_URL), e.getMessage());
  }

  static String rules(String... rules) {
    StringBuilder sb = new StringBuilder("{\"domainRules\":[");
    for (int i = 0; i < rules.length; i += 3) {
      sb.append(i == 0 ? "" : ",").append("{\"name\":\"").append(rules[i])
          .append("\",\"kind\":\"CONDITION\",\"type\":\"CEL\",\"mode\":\"READ\",\"expr\":\"")
          .append(rules[i + 1]).append("\",\"onFailure\":\"").append(rules[i + 2]).append("\"}");
    }
    return sb.append("]}").toString();
  }

  @Test
  void aContractRuleWithOnFailureDlqRefusesTheRecordNamingTheRule() {
    int v1 = registry.register(SUBJECT, V1, rules("qtyPositive", "message.qty > 0", "DLQ",
        "idKnown", "size(message.id) > 0", "NONE"));
    RecordReader reader = reader(Map.of());
    assertEquals(3, ((Struct) reader.read(TOPIC, wire(v1, V1, order(V1, "a", 3, null))).value())
        .getInt32("qty"));
    assertRefused(Reason.RULE_FAILED, "rule 'qtyPositive' (message.qty > 0) failed", reader,
        wire(v1, V1, order(V1, "b", 0, null)));
    assertEquals(1, metrics.getRejectedRuleFailed());
    // NONE: counted, passed.
    assertEquals("", ((Struct) reader.read(TOPIC, wire(v1, V1, order(V1, "", 2, null))).value())
        .getString("id"));
    assertEquals(1, metrics.getRuleFailuresPassed());
  }

  @Test
  void aContractRuleWithOnFailureErrorStopsTheTask() {
    int v1 = registry.register(SUBJECT, V1, rules("qtyPositive", "message.qty > 0", "ERROR"));
    RecordReader reader = reader(Map.of());
    io.github.deltaconnect.contract.errors.BrokenContract stop = assertThrows(
        io.github.deltaconnect.contract.errors.BrokenContract.class,
        () -> reader.read(TOPIC, wire(v1, V1, order(V1, "b", -1, null))));
    assertTrue(stop.getMessage().contains("qtyPositive"), stop.getMessage());
  }

  @Test
  void aRuleThatDoesNotCompileStopsTheTaskNamingTheRule() {
    int v1 = registry.register(SUBJECT, V1, rules("typo", "message.qtty > 0", "DLQ"));
    RecordReader reader = reader(Map.of());
    io.github.deltaconnect.contract.errors.BrokenContract stop = assertThrows(
        io.github.deltaconnect.contract.errors.BrokenContract.class,
        () -> reader.read(TOPIC, wire(v1, V1, order(V1, "b", 1, null))));
    assertTrue(stop.getMessage().contains("typo"), stop.getMessage());
  }

  @Test
  void aLocalContractFileCarriesItsRules() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("contract", ".json");
    java.nio.file.Files.writeString(file, "{\"schema\":" + com.fasterxml.jackson.databind.node
        .TextNode.valueOf(V1) + ",\"ruleSet\":" + rules("qtyPositive", "message.qty > 0", "DLQ")
        + "}");
    RecordReader reader = reader(Map.of(ContractConverterConfig.REGISTRY_URL, "",
        ContractConverterConfig.CONTRACT_FILE, file.toString()));
    reader.read(TOPIC, wire(1, V1, order(V1, "a", 1, null)));
    assertRefused(Reason.RULE_FAILED, "qtyPositive", reader, wire(1, V1, order(V1, "a", 0, null)));
  }

  @Test
  void aRecordNestedDeeperThanTheStackAllowsIsRefusedAsCorruptAndTheNextOneStillReads() {
    int writer = registry.register("graph-value", "{\"type\":\"record\",\"name\":\"Node\","
        + "\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
        + "{\"name\":\"children\",\"type\":{\"type\":\"array\",\"items\":\"Node\"}}]}");
    registry.register("graph-value", "{\"type\":\"record\",\"name\":\"Node\",\"fields\":["
        + "{\"name\":\"id\",\"type\":\"long\"}]}");
    RecordReader reader = reader(Map.of());
    java.io.ByteArrayOutputStream deep = new java.io.ByteArrayOutputStream();
    deep.writeBytes(new byte[] {0, 0, 0, 0, (byte) writer});
    for (int i = 0; i < 200_000; i++) {
      deep.writeBytes(new byte[] {14, 2}); // id 7, one child: a node with id 7, one child, ...
    }
    deep.writeBytes(new byte[] {14, 0}); // ... until one without children
    for (int i = 0; i < 200_000; i++) {
      deep.write(0); // the end of each children array
    }

    assertRefused(Reason.CORRUPT, "nests deeper than the decoder's stack allows", reader, "graph",
        deep.toByteArray());
    byte[] shallow = {0, 0, 0, 0, (byte) writer, 14, 2, 16, 0, 0};
    assertEquals(7L, ((Struct) reader.read("graph", shallow).value()).getInt64("id"));
  }

  /** The wire format of {@code {id: "a", <array>}}, the array holding {@code items} items. */
  static byte[] emptyItems(int schemaId, long items) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(new byte[] {0, 0, 0, 0, (byte) schemaId, 2, 'a'});
    try {
      org.apache.avro.io.EncoderFactory.get().directBinaryEncoder(out, null).writeLong(items);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    out.write(0);
    return out.toByteArray();
  }

  @Test
  void anArrayClaimingMoreEmptyRecordsThanAllowedIsRefusedBeforeAnyIsBuilt() {
    int id = registry.register("marked-value", "{\"type\":\"record\",\"name\":\"Marked\","
        + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"markers\","
        + "\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Marker\","
        + "\"fields\":[]}}}]}");
    RecordReader reader = reader(Map.of());

    assertRefused(Reason.CORRUPT, "claim more items than the 6 bytes of Avro data can hold",
        reader, "marked", emptyItems(id, 1_000_000));
    Struct allowed = (Struct) reader.read("marked", emptyItems(id, BoundedDecoder.EMPTY_ITEMS))
        .value();
    assertEquals(BoundedDecoder.EMPTY_ITEMS, allowed.getArray("markers").size());
  }

  @Test
  void aDroppedFieldClaimingMillionsOfNullsIsRefusedInsteadOfSkippedOneByOne() {
    int writer = registry.register("pinged-value", "{\"type\":\"record\",\"name\":\"Pinged\","
        + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"pings\","
        + "\"type\":{\"type\":\"array\",\"items\":\"null\"}}]}");
    registry.register("pinged-value", "{\"type\":\"record\",\"name\":\"Pinged\",\"fields\":["
        + "{\"name\":\"id\",\"type\":\"string\"}]}");
    RecordReader reader = reader(Map.of());

    assertRefused(Reason.CORRUPT, "claim more items than the", reader, "pinged",
        emptyItems(writer, 50_000_000));
    assertEquals("a", ((Struct) reader.read("pinged", emptyItems(writer, 3)).value())
        .getString("id"));
  }

  static GenericRecord refund() {
    GenericRecord r = new GenericData.Record(new Schema.Parser().parse(OTHER));
    r.put("id", "r1");
    return r;
  }

  static void assertRefused(Reason reason, String text, RecordReader reader, byte[] payload) {
    assertRefused(reason, text, reader, TOPIC, payload);
  }

  static void assertRefused(Reason reason, String text, RecordReader reader, String topic,
      byte[] payload) {
    ContractViolation v = assertThrows(ContractViolation.class, () -> reader.read(topic, payload));
    assertEquals(reason, v.reason(), v.getMessage());
    assertTrue(v.getMessage().contains(text), v.getMessage());
  }
}
