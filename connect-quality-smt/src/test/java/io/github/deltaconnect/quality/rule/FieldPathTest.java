package io.github.deltaconnect.quality.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class FieldPathTest {
  static final Schema LINE = SchemaBuilder.struct().name("Line")
      .field("sku", Schema.OPTIONAL_STRING_SCHEMA).build();
  static final Schema ADDRESS = SchemaBuilder.struct().name("Address").optional()
      .field("city", Schema.OPTIONAL_STRING_SCHEMA).build();
  static final Schema ORDER = SchemaBuilder.struct().name("Order")
      .field("id", Schema.STRING_SCHEMA)
      .field("address", ADDRESS)
      .field("lines", SchemaBuilder.array(LINE).optional().build())
      .field("tags", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA)
          .optional().build())
      .build();

  @Test
  void nestedStructFieldsListElementsAndMapKeysResolve() {
    Struct order = new Struct(ORDER).put("id", "o-1")
        .put("address", new Struct(ADDRESS).put("city", "Lyon"))
        .put("lines", List.of(new Struct(LINE).put("sku", "A"), new Struct(LINE).put("sku", "B")))
        .put("tags", Map.of("channel", "web"));
    assertEquals("Lyon", FieldPath.parse("address.city").resolve(order));
    assertEquals("B", FieldPath.parse("lines[1].sku").resolve(order));
    assertEquals("web", FieldPath.parse("tags.channel").resolve(order));
    assertSame(FieldPath.ABSENT, FieldPath.parse("lines[2].sku").resolve(order));
    assertSame(FieldPath.ABSENT, FieldPath.parse("tags.missing").resolve(order));
  }

  @Test
  void aNullOnTheWayIsAbsentAndANullLeafIsNull() {
    Struct order = new Struct(ORDER).put("id", "o-1")
        .put("address", new Struct(ADDRESS));
    assertNull(FieldPath.parse("address.city").resolve(order));
    assertSame(FieldPath.ABSENT, FieldPath.parse("lines[0].sku").resolve(order));
  }

  @Test
  void schemalessMapsAndListsResolveAndAMissingKeyIsAbsent() {
    Map<String, Object> value = new HashMap<>();
    value.put("user", Map.of("ids", List.of(7L, 8L)));
    value.put("email", null);
    assertEquals(8L, FieldPath.parse("user.ids[1]").resolve(value));
    assertNull(FieldPath.parse("email").resolve(value));
    assertSame(FieldPath.ABSENT, FieldPath.parse("phone").resolve(value));
  }

  @Test
  void aPathTheSchemaDoesNotHaveIsReportedWithTheStepThatIsMissing() {
    assertNull(FieldPath.parse("lines[0].sku").missingIn(ORDER));
    assertNull(FieldPath.parse("tags.anything").missingIn(ORDER));
    assertTrue(FieldPath.parse("address.town").missingIn(ORDER).contains("no field 'town'"));
    assertTrue(FieldPath.parse("id[0]").missingIn(ORDER).contains("not an array"));
    assertTrue(FieldPath.parse("id.x").missingIn(ORDER).contains("'id' is a STRING"));
  }

  @Test
  void malformedPathsAreRefusedWithTheReason() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> FieldPath.parse("a..b"))
        .getMessage().contains("empty field name"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> FieldPath.parse("a[x]"))
        .getMessage().contains("[x]"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> FieldPath.parse("a[1"))
        .getMessage().contains("without ']'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> FieldPath.parse("a."))
        .getMessage().contains("ends with"));
    assertThrows(IllegalArgumentException.class, () -> FieldPath.parse(" "));
  }
}
