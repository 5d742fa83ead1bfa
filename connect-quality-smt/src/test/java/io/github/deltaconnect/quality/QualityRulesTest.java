package io.github.deltaconnect.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.quality.metrics.QualityMetrics;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QualityRulesTest {
  static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final Schema ADDRESS = SchemaBuilder.struct().name("Address").optional()
      .field("city", Schema.OPTIONAL_STRING_SCHEMA).build();
  static final Schema EVENT = SchemaBuilder.struct().name("Event")
      .field("event_id", Schema.STRING_SCHEMA)
      .field("user_id", Schema.OPTIONAL_STRING_SCHEMA)
      .field("amount", Decimal.builder(2).optional().build())
      .field("qty", Schema.OPTIONAL_INT32_SCHEMA)
      .field("email", Schema.OPTIONAL_STRING_SCHEMA)
      .field("region", Schema.OPTIONAL_STRING_SCHEMA)
      .field("event_ts", Timestamp.builder().optional().build())
      .field("address", ADDRESS)
      .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
      .build();

  QualityRules<SinkRecord> transform;

  @AfterEach
  void close() {
    if (transform != null) {
      transform.close();
    }
  }

  static Struct event() {
    return new Struct(EVENT).put("event_id", "e-1").put("user_id", "u-1")
        .put("amount", new BigDecimal("12.50")).put("qty", 3).put("email", "a@example.com")
        .put("region", "eu").put("event_ts", java.util.Date.from(NOW.minusSeconds(60)))
        .put("address", new Struct(ADDRESS).put("city", "Lyon")).put("tags", List.of("a"));
  }

  static SinkRecord record(Object value) {
    Schema schema = value instanceof Struct s ? s.schema() : null;
    return new SinkRecord("events", 2, null, null, schema, value, 41);
  }

  QualityRules<SinkRecord> value(String... kv) {
    Map<String, String> p = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      p.put(kv[i], kv[i + 1]);
    }
    transform = new QualityRules.Value<>(CLOCK);
    transform.configure(p);
    return transform;
  }

  /** The reason a record fails one rule of the given type and settings (action=fail). */
  String failure(Object value, String type, String... settings) {
    String[] kv = new String[4 + settings.length];
    kv[0] = "rules";
    kv[1] = "r";
    kv[2] = "rule.r.type";
    kv[3] = type;
    for (int i = 0; i < settings.length; i += 2) {
      kv[4 + i] = "rule.r." + settings[i];
      kv[5 + i] = settings[i + 1];
    }
    QualityRules<SinkRecord> t = value(kv);
    try {
      SinkRecord out = t.apply(record(value));
      assertSame(value, out.value());
      return null;
    } catch (DataException e) {
      return e.getMessage();
    } finally {
      t.close();
    }
  }

  static void assertMentions(String message, String... parts) {
    assertNotNull(message, "a violation");
    for (String part : parts) {
      assertTrue(message.contains(part), "'" + part + "' in: " + message);
    }
  }

  @Test
  void notNullFailsANullOrAbsentFieldAndNamesRuleFieldAndPlace() {
    assertNull(failure(event(), "not_null", "field", "user_id"));
    assertMentions(failure(event().put("user_id", null), "not_null", "field", "user_id"),
        "rule r (not_null on user_id)", "user_id is null", "events-2@41");
    assertMentions(failure(event().put("address", null), "not_null", "field", "address.city"),
        "address.city is absent");
    assertMentions(failure(Map.of("x", 1), "not_null", "field", "user_id"), "user_id is absent");
  }

  @Test
  void requiredAllowsNullButNotAMissingField() {
    Map<String, Object> m = new HashMap<>();
    m.put("a", null);
    assertNull(failure(m, "required", "fields", "a"));
    assertMentions(failure(m, "required", "fields", "a,b,c"), "b is absent", "c is absent");
    assertNull(failure(event().put("email", null), "required", "fields", "email,address"));
  }

  @Test
  void rangeComparesIntegersDecimalsAndDoublesWithInclusiveAndExclusiveBounds() {
    assertNull(failure(event(), "range", "field", "amount", "min", "0", "max", "12.50"));
    assertMentions(failure(event(), "range", "field", "amount", "max", "12.50",
        "max.inclusive", "false"), "amount is 12.50, above the maximum 12.50 (exclusive)");
    assertMentions(failure(event().put("qty", -1), "range", "field", "qty", "min", "0"),
        "qty is -1, below the minimum 0");
    assertNull(failure(event().put("qty", 0), "range", "field", "qty", "min", "0"));
    assertMentions(failure(event().put("qty", 0), "range", "field", "qty", "min", "0",
        "min.inclusive", "false"), "below the minimum 0 (exclusive)");
    assertMentions(failure(Map.of("v", 2.5), "range", "field", "v", "max", "2"), "above");
    assertMentions(failure(Map.of("v", 3L), "range", "field", "v", "max", "2.5"), "above");
    assertNull(failure(Map.of("v", 2L), "range", "field", "v", "max", "2.5"));
    assertMentions(failure(Map.of("v", Double.NaN), "range", "field", "v", "max", "2"), "NaN");
    assertMentions(failure(Map.of("v", "7"), "range", "field", "v", "max", "9"), "not a number");
    assertNull(failure(event().put("qty", null), "range", "field", "qty", "min", "0"));
  }

  @Test
  void regexMustMatchTheWholeString() {
    assertNull(failure(event(), "regex", "field", "email", "pattern", "[^@]+@[^@]+"));
    assertMentions(failure(event().put("email", "nobody"), "regex", "field", "email",
        "pattern", "[^@]+@[^@]+"), "email is 'nobody', which does not match [^@]+@[^@]+");
    assertMentions(failure(event(), "regex", "field", "email", "pattern", "a"), "does not match");
  }

  @Test
  void aRuleCanKeepTheOffendingValueOutOfItsMessage() {
    String message = failure(event().put("email", "jane.doe-at-example.com"), "regex",
        "field", "email", "pattern", "[^@]+@[^@]+", "show.value", "false");
    assertMentions(message, "email is a string of 23 chars (value hidden)");
    assertTrue(!message.contains("jane"), message);
  }

  @Test
  void allowedComparesTheValuesText() {
    assertNull(failure(event(), "allowed", "field", "region", "values", "eu,us"));
    assertMentions(failure(event().put("region", "apac"), "allowed", "field", "region",
        "values", "us,eu"), "region is 'apac', not one of [eu, us]");
    assertNull(failure(event(), "allowed", "field", "qty", "values", "1,2,3"));
  }

  @Test
  void lengthCountsCodePointsElementsAndBytes() {
    assertNull(failure(event().put("user_id", "ü😀"), "length", "field", "user_id",
        "max.length", "2"));
    assertMentions(failure(event().put("user_id", "abc"), "length", "field", "user_id",
        "max.length", "2"), "length 3, above the maximum 2");
    assertMentions(failure(event().put("tags", List.of()), "length", "field", "tags",
        "min.length", "1"), "length 0, below the minimum 1");
    assertMentions(failure(Map.of("b", new byte[5]), "length", "field", "b", "max.length", "4"),
        "length 5");
  }

  @Test
  void freshnessReadsTimestampsEpochNumbersAndIsoStrings() {
    assertNull(failure(event(), "freshness", "field", "event_ts", "max.age.ms", "120000"));
    assertMentions(failure(event(), "freshness", "field", "event_ts", "max.age.ms", "30000"),
        "PT1M old, older than PT30S");
    long inAnHour = NOW.plusSeconds(3600).toEpochMilli();
    assertMentions(failure(Map.of("ts", inAnHour), "freshness", "field", "ts",
        "max.future.ms", "60000"), "PT1H ahead");
    assertNull(failure(Map.of("ts", inAnHour * 1000), "freshness", "field", "ts",
        "max.future.ms", "7200000", "unit", "micros"));
    assertNull(failure(Map.of("ts", "2026-12-06T11:59:00Z"), "freshness", "field", "ts",
        "max.age.ms", "120000"));
    assertMentions(failure(Map.of("ts", "yesterday"), "freshness", "field", "ts",
        "max.age.ms", "1"), "not an ISO-8601 timestamp");
  }

  @Test
  void celRunsOnStructsTypedAndOnSchemalessMapsDynamically() {
    assertNull(failure(event(), "cel", "expr", "message.amount > 0.0 && message.region == 'eu'"));
    assertMentions(failure(event().put("region", "us"), "cel", "expr", "message.region == 'eu'"),
        "rule r (cel on message.region == 'eu')", "failed");
    Map<String, Object> m = Map.of("amount", 5L, "lines", List.of(Map.of("sku", "A")));
    assertNull(failure(m, "cel", "expr", "message.amount > 1 && message.lines[0].sku == 'A'"));
    assertMentions(failure(m, "cel", "expr", "message.amount > 10"), "failed");
  }

  @Test
  void aCelExpressionNamingAFieldTheSchemaLacksViolatesEveryRecordWithTheReason() {
    assertMentions(failure(event(), "cel", "expr", "message.amont > 0.0"),
        "does not compile for schema Event");
  }

  @Test
  void aFieldTheSchemaLacksViolatesTheRuleInsteadOfPassingEveryRecord() {
    assertMentions(failure(event(), "range", "field", "amont", "min", "0"),
        "field 'amont' does not exist: no field 'amont'");
  }

  @Test
  void dropFiltersTheRecordAndCountsIt() throws Exception {
    QualityRules<SinkRecord> t = value("rules", "amount", "rule.amount.type", "range",
        "rule.amount.field", "qty", "rule.amount.min", "0", "rule.amount.action", "drop");
    assertNull(t.apply(record(event().put("qty", -5))));
    assertNotNull(t.apply(record(event())));
    QualityMetrics m = t.metrics();
    assertEquals(2, m.getRecords());
    assertEquals(1, m.getDropped());
    assertEquals(1, m.getPassed());
    assertEquals(2, m.rule("amount").getChecked());
    assertEquals(1, m.rule("amount").getDropped());
    ObjectName rule = m.names().get(1);
    assertEquals("amount", rule.getKeyProperty("rule"));
    assertEquals(1L, ManagementFactory.getPlatformMBeanServer().getAttribute(rule, "Dropped"));
    assertEquals(1L, ManagementFactory.getPlatformMBeanServer().getAttribute(m.names().get(0),
        "Dropped"));
  }

  @Test
  void tagPassesTheRecordWithAHeaderNamingEveryViolatedRule() {
    QualityRules<SinkRecord> t = value("rules", "a,b,c",
        "rule.a.type", "not_null", "rule.a.field", "email", "rule.a.action", "tag",
        "rule.b.type", "allowed", "rule.b.field", "region", "rule.b.values", "us",
        "rule.b.action", "tag",
        "rule.c.type", "not_null", "rule.c.field", "event_id", "rule.c.action", "tag");
    Struct v = event().put("email", null);
    SinkRecord out = t.apply(record(v));
    assertSame(v, out.value());
    Header h = out.headers().lastWithName("dq.violations");
    assertEquals("a,b", h.value());
    assertEquals(1, t.metrics().getTagged());
    assertEquals(1, t.metrics().rule("a").getTagged());
    assertEquals(0, t.metrics().rule("c").getViolated());
  }

  @Test
  void aSecondTransformInAChainAddsToTheTagHeaderInsteadOfRepeatingIt() {
    QualityRules<SinkRecord> t = value("rules", "b", "rule.b.type", "not_null",
        "rule.b.field", "email", "rule.b.action", "tag");
    SinkRecord tagged = record(event().put("email", null));
    tagged.headers().addString("dq.violations", "a");
    SinkRecord out = t.apply(tagged);
    int count = 0;
    for (var it = out.headers().allWithName("dq.violations"); it.hasNext(); it.next()) {
      count++;
    }
    assertEquals(1, count);
    assertEquals("a,b", out.headers().lastWithName("dq.violations").value());
  }

  @Test
  void theStrongestActionWinsAndAFailureListsOnlyFailingRules() {
    QualityRules<SinkRecord> t = value("rules", "t,d,f",
        "rule.t.type", "not_null", "rule.t.field", "email", "rule.t.action", "tag",
        "rule.d.type", "not_null", "rule.d.field", "user_id", "rule.d.action", "drop",
        "rule.f.type", "range", "rule.f.field", "qty", "rule.f.min", "0");
    Struct bad = event().put("email", null).put("user_id", null);
    assertNull(t.apply(record(bad)), "drop beats tag");
    DataException e = assertThrows(DataException.class,
        () -> t.apply(record(event().put("email", null).put("user_id", null).put("qty", -1))));
    assertMentions(e.getMessage(), "rule f (range on qty): qty is -1");
    assertTrue(!e.getMessage().contains("rule d"), e.getMessage());
    assertEquals(1, t.metrics().getFailed());
    assertEquals(1, t.metrics().getDropped());
    assertEquals(2, t.metrics().rule("d").getViolated());
    assertEquals(1, t.metrics().rule("d").getDropped());
    assertEquals(1, t.metrics().rule("f").getFailed());
  }

  @Test
  void tombstonesPassByDefaultAndCanBeDroppedOrFailed() {
    String[] rule = {"rules", "r", "rule.r.type", "not_null", "rule.r.field", "user_id"};
    SinkRecord tombstone = new SinkRecord("events", 0, null, "k", null, null, 1);
    assertSame(tombstone, value(rule).apply(tombstone));
    assertEquals(1, transform.metrics().getNullRecords());
    transform.close();
    String[] drop = java.util.Arrays.copyOf(rule, rule.length + 2);
    drop[rule.length] = "on.null";
    drop[rule.length + 1] = "drop";
    assertNull(value(drop).apply(tombstone));
    transform.close();
    drop[rule.length + 1] = "fail";
    assertMentions(assertThrows(DataException.class, () -> value(drop).apply(tombstone))
        .getMessage(), "value is null");
  }

  @Test
  void theKeyVariantChecksTheKey() {
    transform = new QualityRules.Key<>(CLOCK);
    transform.configure(Map.of("rules", "k", "rule.k.type", "regex", "rule.k.field", "id",
        "rule.k.pattern", "[0-9]+"));
    SinkRecord ok = new SinkRecord("t", 0, null, Map.of("id", "42"), null, Map.of("id", "x"), 0);
    assertSame(ok, transform.apply(ok));
    SinkRecord bad = new SinkRecord("t", 0, null, Map.of("id", "x"), null, Map.of("id", "42"), 0);
    assertThrows(DataException.class, () -> transform.apply(bad));
    assertEquals("key", transform.metrics().names().get(0).getKeyProperty("role"));
  }

  @Test
  void closeUnregistersEveryMBeanAndTwoInstancesGetTheirOwn() {
    QualityRules<SinkRecord> a = value("rules", "r", "rule.r.type", "not_null",
        "rule.r.field", "x");
    QualityRules<SinkRecord> b = new QualityRules.Value<>(CLOCK);
    b.configure(Map.of("rules", "r", "rule.r.type", "not_null", "rule.r.field", "x"));
    List<ObjectName> names = new java.util.ArrayList<>(a.metrics().names());
    names.addAll(b.metrics().names());
    assertEquals(4, names.stream().distinct().count());
    a.close();
    b.close();
    for (ObjectName n : names) {
      assertTrue(!ManagementFactory.getPlatformMBeanServer().isRegistered(n), n.toString());
    }
  }
}
