package io.github.deltaconnect.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.common.LogicalNames;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

class ConditionRulesTest {

  static final Schema ADDRESS = SchemaBuilder.struct().name("Address").optional()
      .field("city", Schema.STRING_SCHEMA)
      .field("zip", Schema.OPTIONAL_STRING_SCHEMA)
      .build();

  static final Schema ORDER = SchemaBuilder.struct().name("Order")
      .field("id", Schema.STRING_SCHEMA)
      .field("email", Schema.OPTIONAL_STRING_SCHEMA)
      .field("amount", Schema.FLOAT64_SCHEMA)
      .field("quantity", Schema.INT32_SCHEMA)
      .field("limit", Schema.INT64_SCHEMA)
      .field("address", ADDRESS)
      .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
      .field("scores", SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).optional().build())
      .field("attributes", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA)
          .optional().build())
      .field("event_ts", Timestamp.SCHEMA)
      .field("created_us", SchemaBuilder.int64().name(LogicalNames.TIMESTAMP_MICROS).build())
      .field("price", Decimal.builder(2).optional().build())
      .field("payload", Schema.OPTIONAL_BYTES_SCHEMA)
      .field("ratio", Schema.OPTIONAL_FLOAT32_SCHEMA)
      .build();

  static Struct order() {
    return new Struct(ORDER)
        .put("id", "o-1")
        .put("email", "ann@example.com")
        .put("amount", 12.5)
        .put("quantity", 3)
        .put("limit", 10L)
        .put("address", new Struct(ADDRESS).put("city", "Oslo"))
        .put("tags", List.of("new", "gift"))
        .put("scores", Arrays.asList(4, null, 5))
        .put("attributes", Map.of("channel", "web"))
        .put("event_ts", Date.from(Instant.parse("2024-05-01T10:00:00Z")))
        .put("created_us", 1_714_557_600_123_456L)
        .put("price", new BigDecimal("19.99"))
        .put("payload", new byte[] {1, 2, 3});
  }

  static ConditionRules rules(String... exprs) {
    StringBuilder json = new StringBuilder("{\"domainRules\":[");
    for (int i = 0; i < exprs.length; i++) {
      json.append(i == 0 ? "" : ",").append("{\"name\":\"r").append(i)
          .append("\",\"kind\":\"CONDITION\",\"type\":\"CEL\",\"mode\":\"READ\",\"expr\":")
          .append(com.fasterxml.jackson.databind.node.TextNode.valueOf(exprs[i]))
          .append(",\"onFailure\":\"DLQ\"}");
    }
    return ConditionRules.compile(RuleSet.parse(json.append("]}").toString()), ORDER);
  }

  /** Asserts that each expression holds for {@link #order()}. */
  static void holds(String... exprs) {
    for (String expr : exprs) {
      assertEquals(List.of(), rules(expr).evaluate(order()), expr);
    }
  }

  /** Asserts that each expression is false (not an error) for {@code value}. */
  static void isFalse(Struct value, String... exprs) {
    for (String expr : exprs) {
      List<Failure> failures = rules(expr).evaluate(value);
      assertEquals(1, failures.size(), expr);
      assertEquals("rule 'r0' (" + expr + ") failed", failures.get(0).message());
    }
  }

  @Test
  void aConditionThatHoldsHasNoFailures() {
    holds("message.amount > 0.0", "message.id == 'o-1'");
  }

  @Test
  void aFalseConditionIsAFailureCarryingTheRuleActionAndExpression() {
    Struct refund = order().put("amount", -5.0);
    List<Failure> failures = rules("message.id != ''", "message.amount > 0.0").evaluate(refund);
    assertEquals(List.of(new Failure("r1", Rule.Action.DLQ, "message.amount > 0.0",
        "rule 'r1' (message.amount > 0.0) failed")), failures);
  }

  @Test
  void nestedStructFieldsAreSelectable() {
    holds("message.address.city == 'Oslo'");
    isFalse(order().put("address", new Struct(ADDRESS).put("city", "Bergen")),
        "message.address.city == 'Oslo'");
  }

  @Test
  void hasIsFalseForANullOptionalFieldAndTrueWhenSet() {
    holds("has(message.email)", "!has(message.ratio)", "!has(message.address.zip)",
        "!has(message.ratio) || message.ratio > 0.0");
    Struct noEmail = order().put("email", null).put("address", null);
    assertEquals(List.of(), rules("!has(message.email)", "!has(message.address)")
        .evaluate(noEmail));
  }

  @Test
  void stringFunctionsWork() {
    holds("message.email.matches('^[^@]+@[^@]+$')", "size(message.id) > 0",
        "message.id.startsWith('o-')", "message.email.endsWith('.com')");
    isFalse(order().put("email", "not-an-address"), "message.email.matches('^[^@]+@[^@]+$')");
    isFalse(order().put("id", ""), "size(message.id) > 0");
  }

  @Test
  void int32AndInt64FieldsCompareAsCelInts() {
    holds("message.quantity < message.limit", "message.quantity == 3",
        "message.quantity * 4 > message.limit", "message.limit - message.quantity == 7");
    isFalse(order().put("quantity", 11), "message.quantity <= message.limit");
  }

  @Test
  void intsAndDoublesCompareWithoutConversion() {
    holds("message.amount > 0", "message.quantity < message.amount",
        "double(message.quantity) == 3.0");
  }

  @Test
  void listMacrosRunOverArrayFields() {
    holds("message.tags.exists(t, t == 'gift')", "message.tags.all(t, size(t) > 2)",
        "message.tags.exists_one(t, t == 'new')", "size(message.tags) == 2",
        "'gift' in message.tags", "message.scores.exists(s, s == null)",
        "message.scores.filter(s, s != null).all(s, s > 3)");
    isFalse(order().put("tags", List.of("new", "x")), "message.tags.all(t, size(t) > 2)");
    isFalse(order().put("tags", List.of()), "message.tags.exists(t, t == 'gift')");
  }

  @Test
  void mapFieldsAreCelMaps() {
    holds("message.attributes['channel'] == 'web'", "'channel' in message.attributes",
        "!has(message.attributes.region)");
  }

  @Test
  void timestampsCompareWithCelTimestamps() {
    holds("message.event_ts > timestamp('2020-01-01T00:00:00Z')",
        "message.event_ts.getFullYear() == 2024",
        "message.created_us == timestamp('2024-05-01T10:00:00.123456Z')",
        "message.created_us - message.event_ts < duration('1s')");
    isFalse(order().put("event_ts", Date.from(Instant.parse("2019-12-31T23:59:59Z"))),
        "message.event_ts > timestamp('2020-01-01T00:00:00Z')");
  }

  @Test
  void decimalsReadAsDoublesAndBytesAsCelBytes() {
    holds("message.price > 19.0 && message.price < 20.0", "size(message.payload) == 3",
        "message.payload == b'\\x01\\x02\\x03'");
  }

  @Test
  void anExpressionThatDoesNotCompileIsRejectedNamingTheRule() {
    IllegalArgumentException unknownField = assertThrows(IllegalArgumentException.class,
        () -> rules("message.amount > 0.0", "message.amout > 0.0"));
    assertTrue(unknownField.getMessage().startsWith(
        "rule 'r1' (message.amout > 0.0) does not compile: "), unknownField.getMessage());
    assertTrue(unknownField.getMessage().contains("undefined field 'amout'"),
        unknownField.getMessage());

    IllegalArgumentException typeError = assertThrows(IllegalArgumentException.class,
        () -> rules("message.id > 5"));
    assertTrue(typeError.getMessage().contains("no matching overload for '_>_' applied to "
        + "'(string, int)'"), typeError.getMessage());

    IllegalArgumentException notBool = assertThrows(IllegalArgumentException.class,
        () -> rules("message.amount"));
    assertTrue(notBool.getMessage().contains("expected type 'bool' but found 'double'"),
        notBool.getMessage());

    assertThrows(IllegalArgumentException.class, () -> rules("message.amount >"));
  }

  @Test
  void aRuntimeErrorIsAFailureNotAnException() {
    Struct noEmail = order().put("email", null);
    List<Failure> failures = rules("message.email.endsWith('.com')", "message.tags[5] == 'x'",
        "message.quantity / (message.quantity - 3) > 0").evaluate(noEmail);
    assertEquals(3, failures.size());
    assertTrue(failures.get(0).message().startsWith(
        "rule 'r0' (message.email.endsWith('.com')) could not be evaluated: "),
        failures.get(0).message());
    assertTrue(failures.get(0).message().contains("'email'"), failures.get(0).message());
    assertTrue(failures.get(1).message().contains("could not be evaluated"));
    assertTrue(failures.get(2).message().contains("could not be evaluated"));
    assertEquals(Rule.Action.DLQ, failures.get(2).action());
  }

  @Test
  void unsupportedKindsTypesAndModesAreSkippedAndReported() {
    RuleSet set = RuleSet.parse("""
        {"domainRules":[
          {"name":"mask","kind":"TRANSFORM","type":"CEL_FIELD","expr":"name == 'ssn' ; 'XXX'"},
          {"name":"fieldCheck","kind":"CONDITION","type":"CEL_FIELD","expr":"value != ''"},
          {"name":"encrypt","kind":"TRANSFORM","type":"ENCRYPT"},
          {"name":"writeOnly","kind":"CONDITION","type":"CEL","mode":"WRITE","expr":"bogus"},
          {"name":"upgrade","kind":"CONDITION","type":"CEL","mode":"UPGRADE","expr":"true"},
          {"name":"readable","kind":"CONDITION","type":"CEL","expr":"message.amount > 0.0"}]}
        """);
    ConditionRules rules = ConditionRules.compile(set, ORDER);
    assertEquals(List.of("readable"), rules.rules().stream().map(Rule::name).toList());
    assertEquals(List.of("mask", "fieldCheck", "encrypt", "writeOnly", "upgrade"),
        rules.skipped().stream().map(s -> s.rule().name()).toList());
    assertTrue(rules.skipped().get(0).reason().contains("kind TRANSFORM is not supported"));
    assertTrue(rules.skipped().get(1).reason().contains("type CEL_FIELD is not supported"));
    assertTrue(rules.skipped().get(3).reason().contains("mode WRITE does not apply"));
    assertEquals(List.of(), rules.evaluate(order()));
  }

  @Test
  void disabledRulesAreSkipped() {
    ConditionRules rules = ConditionRules.compile(RuleSet.parse("""
        {"domainRules":[{"name":"off","kind":"CONDITION","type":"CEL","expr":"false",
          "disabled":true}]}
        """), ORDER);
    assertTrue(rules.isEmpty());
    assertEquals("disabled", rules.skipped().get(0).reason());
    assertEquals(List.of(), rules.evaluate(order()));
  }

  @Test
  void aSupportedRuleWithoutExpressionIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConditionRules.compile(RuleSet.parse(
            "{\"domainRules\":[{\"name\":\"empty\",\"kind\":\"CONDITION\",\"type\":\"CEL\"}]}"),
            ORDER));
    assertEquals("rule 'empty' has no expression", e.getMessage());
  }

  @Test
  void aStructOfAnotherSchemaIsRejectedButAnEqualSchemaIsAccepted() {
    ConditionRules rules = rules("message.amount > 0.0");
    Schema other = SchemaBuilder.struct().name("Other").field("amount", Schema.FLOAT64_SCHEMA)
        .build();
    assertThrows(IllegalArgumentException.class,
        () -> rules.evaluate(new Struct(other).put("amount", 1.0)));
    SchemaBuilder copy = SchemaBuilder.struct().name("Order");
    ORDER.fields().forEach(f -> copy.field(f.name(), f.schema()));
    Schema equal = copy.build();
    assertFalse(equal == ORDER);
    Struct value = new Struct(equal);
    ORDER.fields().forEach(f -> value.put(f.name(), order().get(f)));
    assertEquals(List.of(), rules.evaluate(value));
  }

  @Test
  void aNullValuePasses() {
    assertEquals(List.of(), rules("message.amount > 0.0").evaluate(null));
  }

  @Test
  void aNonStructSchemaIsRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> ConditionRules.compile(RuleSet.EMPTY, Schema.STRING_SCHEMA));
  }
}
