package io.github.deltaconnect.avro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.common.LogicalNames;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.util.Utf8;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

/**
 * Every row of the mapping table in {@link AvroData}, both ways: a producer's datum is encoded and
 * decoded with plain GenericData, converted to Connect (schema and value asserted), converted back,
 * encoded and decoded again, and must equal the first decode.
 */
class AvroDataTest {

  /** A record {@code t.R} with one field {@code f} of the given Avro type. */
  private static org.apache.avro.Schema one(String type) {
    return AvroBinary.parse("{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"t\",\"fields\":"
        + "[{\"name\":\"f\",\"type\":" + type + "}]}");
  }

  private static GenericData.Record withF(org.apache.avro.Schema record, Object value) {
    GenericData.Record datum = new GenericData.Record(record);
    datum.put("f", value);
    return datum;
  }

  /** Converts a decoded datum to Connect and back; returns the Connect value. */
  private static Object bothWays(org.apache.avro.Schema avro, Object datum) {
    Object decoded = AvroBinary.decode(avro, datum);
    AvroToConnect toConnect = AvroData.toConnect(avro);
    Object connect = toConnect.convert(decoded);
    Object back = AvroData.fromConnect(avro).convert(toConnect.schema(), connect);
    assertEquals(decoded, AvroBinary.decode(avro, back), "the Connect value converts back intact");
    return connect;
  }

  /** The Connect value of field f after {@link #bothWays}. */
  private static Object fieldBothWays(org.apache.avro.Schema record, Object value) {
    return ((Struct) bothWays(record, withF(record, value))).get("f");
  }

  private static Schema fieldSchema(org.apache.avro.Schema record) {
    return AvroData.connectSchema(record).field("f").schema();
  }

  @Test
  void aRecordBecomesAStructNamedAfterItsFullNameWithDocAndFieldsInAvroOrder() {
    org.apache.avro.Schema avro = AvroBinary.parse("""
        {"type":"record","name":"Order","namespace":"shop","doc":"An order","fields":[
          {"name":"zeta","type":"string"},
          {"name":"alpha","type":"int"},
          {"name":"mid","type":"boolean"}]}""");
    Schema schema = AvroData.connectSchema(avro);
    assertEquals(Schema.Type.STRUCT, schema.type());
    assertEquals("shop.Order", schema.name());
    assertEquals("An order", schema.doc());
    assertFalse(schema.isOptional());
    assertEquals(List.of("zeta", "alpha", "mid"),
        schema.fields().stream().map(org.apache.kafka.connect.data.Field::name).toList());

    GenericData.Record datum = new GenericData.Record(avro);
    datum.put("zeta", "z");
    datum.put("alpha", 1);
    datum.put("mid", true);
    Struct struct = (Struct) bothWays(avro, datum);
    AvroToConnect toConnect = AvroData.toConnect(avro);
    assertSame(toConnect.schema(), ((Struct) toConnect.convert(datum)).schema(),
        "every struct shares the compiled schema");
    assertEquals("z", struct.get("zeta"));
    assertEquals(1, struct.get("alpha"));
    assertEquals(true, struct.get("mid"));
  }

  @Test
  void primitivesBecomeTheirConnectTypesWithJavaValues() {
    org.apache.avro.Schema avro = AvroBinary.parse("""
        {"type":"record","name":"P","fields":[
          {"name":"i","type":"int"},{"name":"l","type":"long"},{"name":"f","type":"float"},
          {"name":"d","type":"double"},{"name":"b","type":"boolean"},{"name":"s","type":"string"}]}
        """);
    Schema schema = AvroData.connectSchema(avro);
    assertEquals(Schema.INT32_SCHEMA, schema.field("i").schema());
    assertEquals(Schema.INT64_SCHEMA, schema.field("l").schema());
    assertEquals(Schema.FLOAT32_SCHEMA, schema.field("f").schema());
    assertEquals(Schema.FLOAT64_SCHEMA, schema.field("d").schema());
    assertEquals(Schema.BOOLEAN_SCHEMA, schema.field("b").schema());
    assertEquals(Schema.STRING_SCHEMA, schema.field("s").schema());

    GenericData.Record datum = new GenericData.Record(avro);
    datum.put("i", -5);
    datum.put("l", 1L << 40);
    datum.put("f", 1.5f);
    datum.put("d", 2.25d);
    datum.put("b", false);
    datum.put("s", new Utf8("héllo"));
    Struct struct = (Struct) bothWays(avro, datum);
    assertEquals(-5, struct.get("i"));
    assertEquals(1L << 40, struct.get("l"));
    assertEquals(1.5f, struct.get("f"));
    assertEquals(2.25d, struct.get("d"));
    assertEquals(false, struct.get("b"));
    assertEquals("héllo", struct.get("s"));
    assertInstanceOf(String.class, struct.get("s"), "Utf8 becomes a java.lang.String");
  }

  @Test
  void fieldDefaultsBecomeConnectDefaultsWhereConnectCanHoldThem() {
    org.apache.avro.Schema avro = AvroBinary.parse("""
        {"type":"record","name":"D","fields":[
          {"name":"count","type":"int","default":7},
          {"name":"label","type":"string","default":"x"},
          {"name":"note","type":["null","string"],"default":null},
          {"name":"tag","type":["string","null"],"default":"y"},
          {"name":"color","type":{"type":"enum","name":"Color","symbols":["R","G"]},"default":"G"},
          {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"},"default":1000},
          {"name":"inner","type":{"type":"record","name":"In","fields":[{"name":"a","type":"int"}]},
           "default":{"a":1}},
          {"name":"list","type":{"type":"array","items":"int"},"default":[]},
          {"name":"plain","type":"int"}]}""");
    Schema schema = AvroData.connectSchema(avro);
    assertEquals(7, schema.field("count").schema().defaultValue());
    assertEquals("x", schema.field("label").schema().defaultValue());
    assertTrue(schema.field("note").schema().isOptional());
    assertNull(schema.field("note").schema().defaultValue(), "optional, null default");
    assertTrue(schema.field("tag").schema().isOptional());
    assertNull(schema.field("tag").schema().defaultValue(),
        "no default on an optional field: Struct.get would turn a real null into it");
    assertEquals("G", schema.field("color").schema().defaultValue());
    assertEquals("Color", schema.field("color").schema().parameters().get(AvroData.ENUM_NAME),
        "the default keeps the enum parameters");
    assertEquals(new java.util.Date(1000), schema.field("at").schema().defaultValue());
    assertEquals(Timestamp.LOGICAL_NAME, schema.field("at").schema().name());
    assertNull(schema.field("inner").schema().defaultValue(), "no struct defaults");
    assertNull(schema.field("list").schema().defaultValue(), "no array defaults");
    assertNull(schema.field("plain").schema().defaultValue());
  }

  @Test
  void anEnumBecomesAStringCarryingItsNameAndSymbols() {
    org.apache.avro.Schema avro =
        one("{\"type\":\"enum\",\"name\":\"Color\",\"namespace\":\"paint\",\"symbols\":[\"RED\","
            + "\"GREEN\",\"BLUE\"]}");
    Schema schema = fieldSchema(avro);
    assertEquals(Schema.Type.STRING, schema.type());
    assertEquals("paint.Color", schema.parameters().get(AvroData.ENUM_NAME));
    assertEquals("RED,GREEN,BLUE", schema.parameters().get(AvroData.ENUM_SYMBOLS));
    Object value = fieldBothWays(avro,
        new GenericData.EnumSymbol(avro.getField("f").schema(), "GREEN"));
    assertEquals("GREEN", value);
  }

  @Test
  void aNullableUnionBecomesAnOptionalField() {
    for (String union : List.of("[\"null\",\"long\"]", "[\"long\",\"null\"]")) {
      org.apache.avro.Schema avro = one(union);
      Schema schema = fieldSchema(avro);
      assertEquals(Schema.Type.INT64, schema.type(), union);
      assertTrue(schema.isOptional(), union);
      assertNull(schema.name());
      assertEquals(42L, fieldBothWays(avro, 42L));
      assertNull(fieldBothWays(avro, null));
    }
  }

  @Test
  void aNullableUnionOfARecordBecomesAnOptionalStruct() {
    org.apache.avro.Schema avro = one(
        "[\"null\",{\"type\":\"record\",\"name\":\"In\",\"fields\":"
            + "[{\"name\":\"a\",\"type\":\"int\"}]}]");
    Schema schema = fieldSchema(avro);
    assertEquals(Schema.Type.STRUCT, schema.type());
    assertEquals("t.In", schema.name());
    assertTrue(schema.isOptional());
    GenericData.Record in = new GenericData.Record(avro.getField("f").schema().getTypes().get(1));
    in.put("a", 3);
    assertEquals(3, ((Struct) fieldBothWays(avro, in)).get("a"));
    assertNull(fieldBothWays(avro, null));
  }

  @Test
  void aUnionOfSeveralTypesBecomesAStructWithOneOptionalFieldPerBranch() {
    org.apache.avro.Schema avro = one("""
        ["null","int","string",
         {"type":"record","name":"Point","fields":[{"name":"x","type":"int"}]},
         {"type":"enum","name":"Color","symbols":["RED","BLUE"]},
         {"type":"fixed","name":"Id","size":2},
         "bytes",
         {"type":"array","items":"long"},
         {"type":"map","values":"string"}]""");
    Schema schema = fieldSchema(avro);
    assertEquals(Schema.Type.STRUCT, schema.type());
    assertEquals(AvroData.UNION_NAME, schema.name());
    assertTrue(schema.isOptional(), "the union holds null");
    assertEquals(List.of("int", "string", "Point", "Color", "Id", "bytes", "array", "map"),
        schema.fields().stream().map(org.apache.kafka.connect.data.Field::name).toList());
    schema.fields().forEach(f -> assertTrue(f.schema().isOptional(), f.name()));
    assertEquals("t.Point", schema.field("Point").schema().name());

    List<org.apache.avro.Schema> branches = avro.getField("f").schema().getTypes();
    GenericData.Record point = new GenericData.Record(branches.get(3));
    point.put("x", 9);
    Map<String, Object> expected = new HashMap<>();
    expected.put("int", 5);
    expected.put("string", new Utf8("s"));
    expected.put("Point", point);
    expected.put("Color", new GenericData.EnumSymbol(branches.get(4), "BLUE"));
    expected.put("Id", new GenericData.Fixed(branches.get(5), new byte[] {1, 2}));
    expected.put("bytes", ByteBuffer.wrap(new byte[] {3}));
    expected.put("array", List.of(1L, 2L));
    expected.put("map", Map.of("k", "v"));
    for (Map.Entry<String, Object> branch : expected.entrySet()) {
      Struct union = (Struct) fieldBothWays(avro, branch.getValue());
      for (org.apache.kafka.connect.data.Field field : schema.fields()) {
        assertEquals(field.name().equals(branch.getKey()), union.get(field) != null,
            "exactly the " + branch.getKey() + " branch is set");
      }
    }
    Struct union = (Struct) fieldBothWays(avro, new Utf8("s"));
    assertEquals("s", union.get("string"));
    assertEquals(9, ((Struct) ((Struct) fieldBothWays(avro, point)).get("Point")).get("x"));
    assertArrayEquals(new byte[] {1, 2},
        (byte[]) ((Struct) fieldBothWays(avro, expected.get("Id"))).get("Id"));
    assertNull(fieldBothWays(avro, null));
  }

  @Test
  void aUnionWithoutNullBecomesARequiredUnionStruct() {
    org.apache.avro.Schema avro = one("[\"int\",\"string\"]");
    Schema schema = fieldSchema(avro);
    assertEquals(AvroData.UNION_NAME, schema.name());
    assertFalse(schema.isOptional());
    assertEquals(7, ((Struct) fieldBothWays(avro, 7)).get("int"));
  }

  @Test
  void unionBranchesSharingASimpleNameAreNamedByFullName() {
    org.apache.avro.Schema avro = one("""
        [{"type":"record","name":"Id","namespace":"a","fields":[{"name":"v","type":"int"}]},
         {"type":"record","name":"Id","namespace":"b","fields":[{"name":"v","type":"string"}]}]""");
    Schema schema = fieldSchema(avro);
    assertEquals(List.of("a.Id", "b.Id"),
        schema.fields().stream().map(org.apache.kafka.connect.data.Field::name).toList());
    GenericData.Record b = new GenericData.Record(avro.getField("f").schema().getTypes().get(1));
    b.put("v", "x");
    Struct union = (Struct) fieldBothWays(avro, b);
    assertNull(union.get("a.Id"));
    assertEquals("x", ((Struct) union.get("b.Id")).get("v"));
  }

  @Test
  void anArrayBecomesAConnectArrayOfItsElement() {
    org.apache.avro.Schema avro = one("{\"type\":\"array\",\"items\":[\"null\",\"string\"]}");
    Schema schema = fieldSchema(avro);
    assertEquals(Schema.Type.ARRAY, schema.type());
    assertEquals(Schema.OPTIONAL_STRING_SCHEMA, schema.valueSchema());
    assertEquals(Arrays.asList("a", null, "c"),
        fieldBothWays(avro, Arrays.asList(new Utf8("a"), null, new Utf8("c"))));
    assertEquals(List.of(), fieldBothWays(avro, List.of()));
  }

  @Test
  void aMapBecomesAStringKeyedConnectMap() {
    org.apache.avro.Schema avro = one("{\"type\":\"map\",\"values\":\"int\"}");
    Schema schema = fieldSchema(avro);
    assertEquals(Schema.Type.MAP, schema.type());
    assertEquals(Schema.STRING_SCHEMA, schema.keySchema());
    assertEquals(Schema.INT32_SCHEMA, schema.valueSchema());
    Map<?, ?> value = (Map<?, ?>) fieldBothWays(avro, Map.of("one", 1, "two", 2));
    assertEquals(Map.of("one", 1, "two", 2), value, "keys become Strings");
  }

  @Test
  void aFixedBecomesBytesCarryingItsSize() {
    org.apache.avro.Schema avro = one("{\"type\":\"fixed\",\"name\":\"Hash\",\"size\":4}");
    Schema schema = fieldSchema(avro);
    assertEquals(Schema.Type.BYTES, schema.type());
    assertEquals("4", schema.parameters().get(AvroData.FIXED_SIZE));
    byte[] value = (byte[]) fieldBothWays(avro,
        new GenericData.Fixed(avro.getField("f").schema(), new byte[] {1, 2, 3, 4}));
    assertArrayEquals(new byte[] {1, 2, 3, 4}, value);
  }

  @Test
  void bytesBecomeAByteArrayWithoutMovingTheBuffer() {
    org.apache.avro.Schema avro = one("\"bytes\"");
    assertEquals(Schema.BYTES_SCHEMA, fieldSchema(avro));
    assertArrayEquals(new byte[] {9, 8, 7}, (byte[]) fieldBothWays(avro,
        ByteBuffer.wrap(new byte[] {9, 8, 7})));

    ByteBuffer buffer = ByteBuffer.wrap(new byte[] {0, 1, 2, 3}, 1, 2);
    Struct struct = (Struct) AvroData.toConnect(avro).convert(withF(avro, buffer));
    assertArrayEquals(new byte[] {1, 2}, (byte[]) struct.get("f"));
    assertEquals(1, buffer.position(), "the datum's buffer is not consumed");
  }

  @Test
  void aDecimalInBytesRoundTripsAsBigDecimal() {
    org.apache.avro.Schema avro =
        one("{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":9,\"scale\":2}");
    Schema schema = fieldSchema(avro);
    assertEquals(Decimal.LOGICAL_NAME, schema.name());
    assertEquals("2", schema.parameters().get(Decimal.SCALE_FIELD));
    assertEquals("9", schema.parameters().get(LogicalNames.DECIMAL_PRECISION));
    Object value = fieldBothWays(avro,
        ByteBuffer.wrap(new BigInteger("-1234567").toByteArray()));
    assertEquals(new BigDecimal("-12345.67"), value);
  }

  @Test
  void aDecimalInFixedRoundTripsAsBigDecimal() {
    org.apache.avro.Schema avro = one("{\"type\":\"fixed\",\"name\":\"Money\",\"size\":8,"
        + "\"logicalType\":\"decimal\",\"precision\":18,\"scale\":4}");
    Schema schema = fieldSchema(avro);
    assertEquals(Decimal.LOGICAL_NAME, schema.name());
    assertEquals("4", schema.parameters().get(Decimal.SCALE_FIELD));
    assertEquals("18", schema.parameters().get(LogicalNames.DECIMAL_PRECISION));
    byte[] minusOne = new byte[8];
    Arrays.fill(minusOne, (byte) -1); // -1 unscaled, sign-extended over the whole fixed
    Object value =
        fieldBothWays(avro, new GenericData.Fixed(avro.getField("f").schema(), minusOne));
    assertEquals(new BigDecimal("-0.0001"), value);

    GenericData.Record back = (GenericData.Record) AvroData.fromConnect(avro)
        .convert(null, new Struct(AvroData.connectSchema(avro)).put("f", new BigDecimal("12.5")));
    BigInteger unscaled = new BigInteger(((GenericData.Fixed) back.get("f")).bytes());
    assertEquals(BigInteger.valueOf(125_000), unscaled, "rescaled to the Avro scale");
  }

  @Test
  void aDateBecomesAConnectDateAtUtcMidnight() {
    org.apache.avro.Schema avro = one("{\"type\":\"int\",\"logicalType\":\"date\"}");
    Schema schema = fieldSchema(avro);
    assertEquals(Date.LOGICAL_NAME, schema.name());
    assertEquals(Schema.Type.INT32, schema.type());
    assertEquals(new java.util.Date(19_000L * 86_400_000L), fieldBothWays(avro, 19_000));
    assertEquals(new java.util.Date(-86_400_000L), fieldBothWays(avro, -1), "before the epoch");
  }

  @Test
  void aTimeMillisBecomesAConnectTime() {
    org.apache.avro.Schema avro = one("{\"type\":\"int\",\"logicalType\":\"time-millis\"}");
    assertEquals(Time.LOGICAL_NAME, fieldSchema(avro).name());
    assertEquals(new java.util.Date(45_296_789L), fieldBothWays(avro, 45_296_789));
  }

  @Test
  void aTimeMicrosBecomesANamedInt64OfMicrosOfTheDay() {
    org.apache.avro.Schema avro = one("{\"type\":\"long\",\"logicalType\":\"time-micros\"}");
    Schema schema = fieldSchema(avro);
    assertEquals(Schema.Type.INT64, schema.type());
    assertEquals(LogicalNames.TIME_MICROS, schema.name());
    assertEquals(45_296_789_123L, fieldBothWays(avro, 45_296_789_123L));
  }

  @Test
  void aTimestampMillisBecomesAConnectTimestamp() {
    org.apache.avro.Schema avro = one("{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}");
    assertEquals(Timestamp.LOGICAL_NAME, fieldSchema(avro).name());
    assertEquals(new java.util.Date(1_700_000_000_123L), fieldBothWays(avro, 1_700_000_000_123L));
  }

  @Test
  void aTimestampMicrosBecomesANamedInt64KeepingEveryMicrosecond() {
    org.apache.avro.Schema avro = one("{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}");
    Schema schema = fieldSchema(avro);
    assertEquals(Schema.Type.INT64, schema.type());
    assertEquals(LogicalNames.TIMESTAMP_MICROS, schema.name());
    assertEquals(1_700_000_000_123_456L, fieldBothWays(avro, 1_700_000_000_123_456L));
  }

  @Test
  void localTimestampsBecomeNamedInt64s() {
    org.apache.avro.Schema millis =
        one("{\"type\":\"long\",\"logicalType\":\"local-timestamp-millis\"}");
    org.apache.avro.Schema micros =
        one("{\"type\":\"long\",\"logicalType\":\"local-timestamp-micros\"}");
    assertEquals(LogicalNames.LOCAL_TIMESTAMP_MILLIS, fieldSchema(millis).name());
    assertEquals(LogicalNames.LOCAL_TIMESTAMP_MICROS, fieldSchema(micros).name());
    assertEquals(Schema.Type.INT64, fieldSchema(micros).type());
    assertEquals(1_700_000_000_123L, fieldBothWays(millis, 1_700_000_000_123L));
    assertEquals(1_700_000_000_123_456L, fieldBothWays(micros, 1_700_000_000_123_456L));
  }

  @Test
  void aUuidBecomesAStringTaggedUuid() {
    org.apache.avro.Schema avro = one("{\"type\":\"string\",\"logicalType\":\"uuid\"}");
    Schema schema = fieldSchema(avro);
    assertEquals(Schema.Type.STRING, schema.type());
    assertEquals("uuid", schema.parameters().get(AvroData.LOGICAL_TYPE));
    String uuid = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    assertEquals(uuid, fieldBothWays(avro, new Utf8(uuid)));
  }

  @Test
  void otherLogicalTypesKeepTheirBaseTypeTaggedWithTheirName() {
    org.apache.avro.Schema nanos = one("{\"type\":\"long\",\"logicalType\":\"timestamp-nanos\"}");
    assertEquals(Schema.Type.INT64, fieldSchema(nanos).type());
    assertNull(fieldSchema(nanos).name());
    assertEquals("timestamp-nanos", fieldSchema(nanos).parameters().get(AvroData.LOGICAL_TYPE));
    assertEquals(5L, fieldBothWays(nanos, 5L));
  }

  @Test
  void aRecordUsedTwiceSharesOneConnectSchema() {
    org.apache.avro.Schema avro = AvroBinary.parse("""
        {"type":"record","name":"Trip","fields":[
          {"name":"from","type":{"type":"record","name":"Place","fields":[
            {"name":"city","type":"string"}]}},
          {"name":"to","type":"Place"},
          {"name":"stops","type":{"type":"array","items":"Place"}},
          {"name":"detour","type":["null","Place"]}]}""");
    Schema schema = AvroData.connectSchema(avro);
    Schema place = schema.field("from").schema();
    assertSame(place, schema.field("to").schema());
    assertSame(place, schema.field("stops").schema().valueSchema());
    assertTrue(schema.field("detour").schema().isOptional());
    assertEquals(place.fields(), schema.field("detour").schema().fields());
  }

  @Test
  void aRecordInsideAnArrayInsideAMapRoundTrips() {
    org.apache.avro.Schema avro = AvroBinary.parse("""
        {"type":"record","name":"Basket","fields":[
          {"name":"byShop","type":{"type":"map","values":{"type":"array","items":
            {"type":"record","name":"Item","fields":[
              {"name":"sku","type":"string"},
              {"name":"price","type":
                {"type":"bytes","logicalType":"decimal","precision":6,"scale":2}},
              {"name":"tags","type":{"type":"array","items":"string"}}]}}}}]}""");
    org.apache.avro.Schema item =
        avro.getField("byShop").schema().getValueType().getElementType();
    GenericData.Record apple = new GenericData.Record(item);
    apple.put("sku", "apple");
    apple.put("price", ByteBuffer.wrap(BigInteger.valueOf(150).toByteArray()));
    apple.put("tags", List.of("fruit"));
    GenericData.Record pear = new GenericData.Record(item);
    pear.put("sku", "pear");
    pear.put("price", ByteBuffer.wrap(BigInteger.valueOf(99).toByteArray()));
    pear.put("tags", List.of());
    GenericData.Record basket = new GenericData.Record(avro);
    basket.put("byShop", Map.of("north", List.of(apple, pear), "south", List.of()));

    Struct struct = (Struct) bothWays(avro, basket);
    Schema schema = AvroData.connectSchema(avro);
    assertEquals(Schema.Type.MAP, schema.field("byShop").schema().type());
    assertEquals("Item", schema.field("byShop").schema().valueSchema().valueSchema().name());
    List<?> north = (List<?>) struct.getMap("byShop").get("north");
    assertEquals(2, north.size());
    Struct second = (Struct) north.get(1);
    assertEquals("pear", second.get("sku"));
    assertEquals(new BigDecimal("0.99"), second.get("price"));
    assertEquals(List.of("fruit"), ((Struct) north.get(0)).get("tags"));
    assertEquals(List.of(), struct.getMap("byShop").get("south"));
  }

  @Test
  void aTopLevelNullableUnionBecomesAnOptionalSchema() {
    org.apache.avro.Schema avro = AvroBinary.parse("[\"null\",\"string\"]");
    AvroToConnect toConnect = AvroData.toConnect(avro);
    assertEquals(Schema.OPTIONAL_STRING_SCHEMA, toConnect.schema());
    assertNull(toConnect.convert(null));
    assertEquals("a", toConnect.convert(new Utf8("a")));
    assertNull(AvroData.fromConnect(avro).convert(Schema.OPTIONAL_STRING_SCHEMA, null));
  }

  @Test
  void structsFilledWithoutPerPutValidationAreValidAndEqualToValidatedOnes() {
    assertTrue(StructValues.available(), "the fast path is taken on this Kafka version");
    org.apache.avro.Schema avro = AvroBinary.parse("""
        {"type":"record","name":"Outer","fields":[
          {"name":"id","type":"string"},
          {"name":"n","type":["null","long"]},
          {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
          {"name":"inner","type":{"type":"record","name":"Inner","fields":[
            {"name":"tags","type":{"type":"array","items":"string"}}]}}]}""");
    GenericData.Record inner = new GenericData.Record(avro.getField("inner").schema());
    inner.put("tags", List.of("a", "b"));
    GenericData.Record outer = new GenericData.Record(avro);
    outer.put("id", "x");
    outer.put("n", null);
    outer.put("at", 1_000L);
    outer.put("inner", inner);
    Struct fast = (Struct) AvroData.toConnect(avro).convert(AvroBinary.decode(avro, outer));
    fast.validate();
    Schema schema = fast.schema();
    Struct validated = new Struct(schema).put("id", "x").put("n", null)
        .put("at", new java.util.Date(1_000L))
        .put("inner", new Struct(schema.field("inner").schema()).put("tags", List.of("a", "b")));
    assertEquals(validated, fast);
  }
}
