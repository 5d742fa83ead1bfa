package io.github.deltaconnect.avro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.util.Utf8;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

/** Connect values from sources that did not come from Avro: matching by name, defaults, errors. */
class ConnectToAvroTest {

  private static final org.apache.avro.Schema ORDER = AvroBinary.parse("""
      {"type":"record","name":"Order","namespace":"shop","fields":[
        {"name":"id","type":"string"},
        {"name":"customer","type":{"type":"record","name":"Customer","fields":[
          {"name":"name","type":"string"},
          {"name":"address","type":{"type":"record","name":"Address","fields":[
            {"name":"city","type":"string"},
            {"name":"zip","type":"string"}]}}]}},
        {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
          {"name":"sku","type":"string"},
          {"name":"price","type":"double"}]}}},
        {"name":"attrs","type":{"type":"map","values":"int"},"default":{}},
        {"name":"priority","type":"int","default":5},
        {"name":"note","type":["null","string"]}]}""");

  private static final Schema ADDRESS = SchemaBuilder.struct().name("addr")
      .field("zip", Schema.STRING_SCHEMA)
      .field("city", Schema.STRING_SCHEMA)
      .build();
  private static final Schema CUSTOMER = SchemaBuilder.struct()
      .field("address", ADDRESS)
      .field("name", Schema.STRING_SCHEMA)
      .field("vip", Schema.BOOLEAN_SCHEMA)
      .build();
  private static final Schema LINE = SchemaBuilder.struct()
      .field("price", Schema.OPTIONAL_FLOAT64_SCHEMA)
      .field("sku", Schema.STRING_SCHEMA)
      .build();
  /** Another source's shape: other field order, an extra field, no priority and no note. */
  private static final Schema SOURCE_ORDER = SchemaBuilder.struct().name("src.Order")
      .field("lines", SchemaBuilder.array(LINE).build())
      .field("extra", Schema.STRING_SCHEMA)
      .field("customer", CUSTOMER)
      .field("attrs", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_INT32_SCHEMA).build())
      .field("id", Schema.STRING_SCHEMA)
      .build();

  private static Struct sourceOrder() {
    return new Struct(SOURCE_ORDER)
        .put("id", "o-1")
        .put("extra", "ignored")
        .put("customer", new Struct(CUSTOMER).put("name", "Ada").put("vip", true)
            .put("address", new Struct(ADDRESS).put("zip", "75001").put("city", "Paris")))
        .put("lines", List.of(new Struct(LINE).put("sku", "a").put("price", 1.5),
            new Struct(LINE).put("sku", "b").put("price", 2.0)))
        .put("attrs", Map.of("k", 1));
  }

  private static String failure(Object connectValue) {
    return assertThrows(DataException.class,
        () -> AvroData.fromConnect(ORDER).convert(SOURCE_ORDER, connectValue)).getMessage();
  }

  @Test
  void structFieldsAreMatchedByNameWhateverTheirOrderAndExtraFieldsAreIgnored() {
    GenericData.Record order =
        (GenericData.Record) AvroData.fromConnect(ORDER).convert(SOURCE_ORDER, sourceOrder());
    GenericData.Record decoded = (GenericData.Record) AvroBinary.decode(ORDER, order);

    assertEquals(new Utf8("o-1"), decoded.get("id"));
    GenericData.Record customer = (GenericData.Record) decoded.get("customer");
    assertEquals(new Utf8("Ada"), customer.get("name"));
    assertEquals(new Utf8("75001"), ((GenericData.Record) customer.get("address")).get("zip"));
    assertEquals(new Utf8("Paris"), ((GenericData.Record) customer.get("address")).get("city"));
    List<?> lines = (List<?>) decoded.get("lines");
    assertEquals(new Utf8("b"), ((GenericData.Record) lines.get(1)).get("sku"));
    assertEquals(2.0, ((GenericData.Record) lines.get(1)).get("price"));
    assertEquals(Map.of(new Utf8("k"), 1), decoded.get("attrs"));
  }

  @Test
  void aMissingFieldTakesTheAvroDefaultOrNullWhenNullable() {
    GenericData.Record order =
        (GenericData.Record) AvroData.fromConnect(ORDER).convert(SOURCE_ORDER, sourceOrder());
    assertEquals(5, order.get("priority"), "the Avro default");
    assertNull(order.get("note"), "nullable, no value");
  }

  @Test
  void aMissingNonNullableFieldIsRejectedNamingItsPath() {
    Schema noZip = SchemaBuilder.struct().field("city", Schema.STRING_SCHEMA).build();
    Schema customer = SchemaBuilder.struct().field("name", Schema.STRING_SCHEMA)
        .field("address", noZip).build();
    Schema orderSchema = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA)
        .field("customer", customer)
        .field("lines", SchemaBuilder.array(LINE).build()).build();
    Struct order = new Struct(orderSchema).put("id", "o-1").put("lines", List.of())
        .put("customer", new Struct(customer).put("name", "Ada")
            .put("address", new Struct(noZip).put("city", "Paris")));

    String message = failure(order);
    assertTrue(message.contains("'customer.address.zip'"), message);
    assertTrue(message.contains("missing"), message);
    assertTrue(message.contains("shop.Order"), message);
  }

  @Test
  void aNullForANonNullableFieldIsRejectedNamingItsPath() {
    Struct value = sourceOrder().put("lines", List.of(
        new Struct(LINE).put("sku", "a").put("price", 1.0),
        new Struct(LINE).put("sku", "b")));
    String message = failure(value);
    assertTrue(message.contains("'lines[1].price'"), message);
    assertTrue(message.contains("null"), message);
  }

  @Test
  void aNullMapValueIsRejectedNamingItsKey() {
    String message =
        failure(sourceOrder().put("attrs", java.util.Collections.singletonMap("k", null)));
    assertTrue(message.contains("'attrs['k']'"), message);
  }

  @Test
  void aValueOfTheWrongTypeIsRejectedNamingItsPath() {
    Schema wrong = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();
    String message = assertThrows(DataException.class, () -> AvroData.fromConnect(ORDER)
        .convert(wrong, new Struct(wrong).put("id", 1))).getMessage();
    assertTrue(message.contains("'id'") && message.contains("String"), message);
  }

  @Test
  void eachRecordStepFollowsWhicheverConnectSchemaArrives() {
    org.apache.avro.Schema avro = AvroBinary.parse("""
        {"type":"record","name":"P","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}
        """);
    Schema ab = SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA)
        .field("b", Schema.INT32_SCHEMA).build();
    Schema ba = SchemaBuilder.struct().field("b", Schema.INT32_SCHEMA)
        .field("a", Schema.INT32_SCHEMA).build();
    ConnectToAvro converter = AvroData.fromConnect(avro);
    for (int i = 0; i < 3; i++) {
      GenericData.Record first = (GenericData.Record) converter.convert(ab,
          new Struct(ab).put("a", 1).put("b", 2));
      GenericData.Record second = (GenericData.Record) converter.convert(ba,
          new Struct(ba).put("a", 3).put("b", 4));
      assertEquals(List.of(1, 2), List.of(first.get("a"), first.get("b")));
      assertEquals(List.of(3, 4), List.of(second.get("a"), second.get("b")));
    }
  }

  @Test
  void narrowerConnectNumbersWidenToTheAvroType() {
    org.apache.avro.Schema avro = AvroBinary.parse("""
        {"type":"record","name":"N","fields":[
          {"name":"l","type":"long"},{"name":"d","type":"double"},{"name":"i","type":"int"}]}""");
    Schema connect = SchemaBuilder.struct().field("l", Schema.INT32_SCHEMA)
        .field("d", Schema.FLOAT32_SCHEMA).field("i", Schema.INT16_SCHEMA).build();
    GenericData.Record record = (GenericData.Record) AvroData.fromConnect(avro).convert(connect,
        new Struct(connect).put("l", 7).put("d", 0.5f).put("i", (short) 3));
    assertEquals(7L, record.get("l"));
    assertEquals(0.5d, record.get("d"));
    assertEquals(3, record.get("i"));
  }

  @Test
  void timestampsAcceptConnectTimestampsOrLongs() {
    org.apache.avro.Schema avro = AvroBinary.parse("""
        {"type":"record","name":"T","fields":[
          {"name":"micros","type":{"type":"long","logicalType":"timestamp-micros"}},
          {"name":"millis","type":{"type":"long","logicalType":"timestamp-millis"}}]}""");
    Schema connect = SchemaBuilder.struct().field("micros", Timestamp.SCHEMA)
        .field("millis", Schema.INT64_SCHEMA).build();
    GenericData.Record record = (GenericData.Record) AvroData.fromConnect(avro).convert(connect,
        new Struct(connect).put("micros", new java.util.Date(1_000L)).put("millis", 2_000L));
    assertEquals(1_000_000L, record.get("micros"));
    assertEquals(2_000L, record.get("millis"));
  }

  @Test
  void aDateThatIsNotAUtcMidnightIsRejected() {
    org.apache.avro.Schema avro = AvroBinary.parse("""
        {"type":"record","name":"D","fields":[
          {"name":"day","type":{"type":"int","logicalType":"date"}}]}""");
    Schema connect = SchemaBuilder.struct().field("day", Timestamp.SCHEMA).build();
    String message = assertThrows(DataException.class, () -> AvroData.fromConnect(avro)
        .convert(connect, new Struct(connect).put("day", new java.util.Date(1L)))).getMessage();
    assertTrue(message.contains("'day'") && message.contains("midnight"), message);
  }

  @Test
  void aDecimalThatWouldLoseDigitsIsRejected() {
    org.apache.avro.Schema avro = AvroBinary.parse("""
        {"type":"record","name":"M","fields":[{"name":"amount","type":
          {"type":"bytes","logicalType":"decimal","precision":5,"scale":2}}]}""");
    Schema connect = AvroData.connectSchema(avro);
    ConnectToAvro converter = AvroData.fromConnect(avro);
    String scale = assertThrows(DataException.class, () -> converter.convert(connect,
        new Struct(connect).put("amount", new BigDecimal("1.234")))).getMessage();
    assertTrue(scale.contains("'amount'") && scale.contains("scale"), scale);
    String precision = assertThrows(DataException.class, () -> converter.convert(connect,
        new Struct(connect).put("amount", new BigDecimal("1234.5")))).getMessage();
    assertTrue(precision.contains("precision"), precision);
  }

  @Test
  void aFixedOfTheWrongSizeIsRejected() {
    org.apache.avro.Schema avro = AvroBinary.parse("""
        {"type":"record","name":"F","fields":[
          {"name":"hash","type":{"type":"fixed","name":"H","size":4}}]}""");
    Schema connect = AvroData.connectSchema(avro);
    String message = assertThrows(DataException.class, () -> AvroData.fromConnect(avro)
        .convert(connect, new Struct(connect).put("hash", new byte[3]))).getMessage();
    assertTrue(message.contains("'hash'") && message.contains("size 4"), message);
  }

  @Test
  void anUnknownEnumSymbolIsRejected() {
    org.apache.avro.Schema avro = AvroBinary.parse("""
        {"type":"record","name":"E","fields":[
          {"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","BLUE"]}}]}""");
    Schema connect = AvroData.connectSchema(avro);
    String message = assertThrows(DataException.class, () -> AvroData.fromConnect(avro)
        .convert(connect, new Struct(connect).put("color", "GREEN"))).getMessage();
    assertTrue(message.contains("'color'") && message.contains("GREEN")
        && message.contains("[RED, BLUE]"), message);
  }

  @Test
  void aUnionStructWithTwoBranchesSetIsRejected() {
    org.apache.avro.Schema avro = AvroBinary.parse("""
        {"type":"record","name":"U","fields":[{"name":"u","type":["null","int","string"]}]}""");
    Schema connect = AvroData.connectSchema(avro);
    Schema union = connect.field("u").schema();
    String message = assertThrows(DataException.class, () -> AvroData.fromConnect(avro)
        .convert(connect, new Struct(connect).put("u",
            new Struct(union).put("int", 1).put("string", "s")))).getMessage();
    assertTrue(message.contains("'u'") && message.contains("exactly one"), message);

    GenericData.Record none = (GenericData.Record) AvroData.fromConnect(avro)
        .convert(connect, new Struct(connect).put("u", new Struct(union)));
    assertNull(none.get("u"), "a nullable union with no branch set is null");
  }

  @Test
  void aNullTopLevelValueIsRejectedWhenTheAvroSchemaIsNotNullable() {
    String message = assertThrows(DataException.class,
        () -> AvroData.fromConnect(ORDER).convert(SOURCE_ORDER, null)).getMessage();
    assertTrue(message.contains("shop.Order"), message);
  }

  @Test
  void nullableArrayElementsStayNull() {
    org.apache.avro.Schema avro = AvroBinary.parse("""
        {"type":"array","items":["null","int"]}""");
    Object datum = AvroData.fromConnect(avro).convert(null, Arrays.asList(1, null, 3));
    assertEquals(Arrays.asList(1, null, 3), AvroBinary.decode(avro, datum));
  }
}
