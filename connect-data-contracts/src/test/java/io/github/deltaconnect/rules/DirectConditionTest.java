package io.github.deltaconnect.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cel.common.CelOptions;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

/**
 * The direct evaluator against cel-java itself: on every expression of a corpus and many records
 * (nulls, NaN, infinities, signed zeros, big longs, empty and non-ASCII strings), both say the
 * same: true, false or error.
 */
class DirectConditionTest {
  static final Schema INNER = SchemaBuilder.struct().name("Inner").optional()
      .field("city", Schema.OPTIONAL_STRING_SCHEMA)
      .field("n", Schema.OPTIONAL_INT64_SCHEMA)
      .build();
  static final Schema EVENT = SchemaBuilder.struct().name("Event")
      .field("id", Schema.STRING_SCHEMA)
      .field("tenant", Schema.OPTIONAL_STRING_SCHEMA)
      .field("amount", Schema.OPTIONAL_FLOAT64_SCHEMA)
      .field("ratio", Schema.OPTIONAL_FLOAT32_SCHEMA)
      .field("count", Schema.OPTIONAL_INT64_SCHEMA)
      .field("small", Schema.OPTIONAL_INT32_SCHEMA)
      .field("flag", Schema.OPTIONAL_BOOLEAN_SCHEMA)
      .field("inner", INNER)
      .build();

  static final List<String> COVERED = List.of(
      "message.tenant.startsWith('t-') && (!has(message.amount) || message.amount >= 0.0)",
      "message.amount > 0.0", "message.amount >= 0", "message.amount < 10", "0 < message.amount",
      "message.count > 5", "message.count <= 9007199254740993", "message.count > 2.5",
      "message.count >= -0.0", "message.small < message.count", "message.small == 3",
      "message.count != 4", "message.amount == message.amount", "message.amount != 0.0",
      "message.ratio > message.amount", "message.ratio == 0.5",
      "message.id == 'a'", "message.id != ''", "message.tenant == message.id",
      "message.flag", "!message.flag", "message.flag == true", "message.flag != false",
      "has(message.tenant)", "!has(message.amount)", "has(message.inner)",
      "has(message.inner.city)", "message.inner.city.endsWith('lo')",
      "message.inner.n > 0 || message.count > 0", "message.inner.n > 0 && message.count > 0",
      "message.amount > 0.0 || message.flag", "message.flag && message.amount > 0.0",
      "message.flag || message.amount > 0.0", "message.amount > 0.0 && message.flag",
      "message.id.contains('é')", "message.id.size() > 2", "size(message.id) == 3",
      "size(message.tenant) <= 4", "message.flag ? message.count > 1 : message.amount < 1.0",
      "(message.count > 1 ? message.id : message.tenant) == 'x'",
      "message.tenant.startsWith(message.id)", "true", "false || message.flag",
      "message.count > 9.3e18", "message.count < -9.3e18", "message.count >= 9223372036854775807",
      "message.amount > 9223372036854775807", "message.amount < -9223372036854775808");

  /** Left to cel-java: the direct evaluator must say so rather than guess. */
  static final List<String> NOT_COVERED = List.of(
      "message.id.matches('^a.*')", "message.count + 1 > 2", "[1, 2].exists(x, x > 1)",
      "message.id in ['a', 'b']", "message.id < 'b'",
      "timestamp('2024-01-01T00:00:00Z') < timestamp('2025-01-01T00:00:00Z')");

  static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setOptions(CelOptions.current().enableHeterogeneousNumericComparisons(true).build())
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .setTypeProvider(MessageBinding.of(EVENT, "message").types())
      .addVar("message", MessageBinding.of(EVENT, "message").type())
      .setResultType(SimpleType.BOOL)
      .build();

  static RuleSet ruleSet(String expr) {
    return new RuleSet(List.of(Rule.celCondition("r", expr, Rule.Action.DLQ)), List.of());
  }

  /** "pass", "false" or "error" for one evaluation. */
  static String outcome(List<Failure> failures) {
    if (failures.isEmpty()) {
      return "pass";
    }
    return failures.get(0).message().contains("could not be evaluated") ? "error" : "false";
  }

  static List<Struct> records() {
    Random random = new Random(20261206);
    String[] strings = {"", "a", "t-1", "t-", "héllo", "x", "Oslo", "abc", "t-é", "\uD83D\uDE00z"};
    double[] doubles = {0.0, -0.0, 0.5, -1.5, 1e300, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, 2.5, 9.3e18, -9.3e18, 9.223372036854775807e18, 3.0};
    long[] longs = {0, 1, 3, 4, 5, -7, Long.MAX_VALUE, Long.MIN_VALUE, 9007199254740993L,
        9007199254740992L, 2, 3};
    List<Struct> out = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      Struct inner = random.nextInt(4) == 0 ? null : new Struct(INNER)
          .put("city", random.nextInt(3) == 0 ? null : strings[random.nextInt(strings.length)])
          .put("n", random.nextInt(3) == 0 ? null : longs[random.nextInt(longs.length)]);
      out.add(new Struct(EVENT)
          .put("id", strings[random.nextInt(strings.length)])
          .put("tenant", random.nextInt(4) == 0 ? null : strings[random.nextInt(strings.length)])
          .put("amount", random.nextInt(4) == 0 ? null : doubles[random.nextInt(doubles.length)])
          .put("ratio", random.nextInt(4) == 0 ? null
              : (float) doubles[random.nextInt(doubles.length)])
          .put("count", random.nextInt(4) == 0 ? null : longs[random.nextInt(longs.length)])
          .put("small", random.nextInt(4) == 0 ? null : random.nextInt(7) - 2)
          .put("flag", random.nextInt(4) == 0 ? null : random.nextBoolean())
          .put("inner", inner));
    }
    return out;
  }

  @Test
  void everyCoveredExpressionAgreesWithCelJavaOnEveryRecord() throws Exception {
    List<Struct> records = records();
    List<String> disagreements = new ArrayList<>();
    int[] seen = new int[3];
    for (String expr : COVERED) {
      assertNotNull(DirectCondition.of(COMPILER.compile(expr).getAst(), "message"),
          "covered: " + expr);
      ConditionRules direct = ConditionRules.compile(ruleSet(expr), EVENT, true);
      ConditionRules cel = ConditionRules.compile(ruleSet(expr), EVENT, false);
      for (Struct record : records) {
        String want = outcome(cel.evaluate(record));
        String got = outcome(direct.evaluate(record));
        seen[want.equals("pass") ? 0 : want.equals("false") ? 1 : 2]++;
        if (!want.equals(got)) {
          disagreements.add(expr + " on " + record + ": cel-java " + want + ", direct " + got);
        }
      }
    }
    assertEquals(List.of(), disagreements.subList(0, Math.min(10, disagreements.size())),
        disagreements.size() + " disagreements, in " + disagreements.stream()
            .map(d -> d.substring(0, d.indexOf(" on Struct"))).distinct().toList());
    assertTrue(seen[0] > 1000 && seen[1] > 1000 && seen[2] > 1000,
        "the corpus reaches all three outcomes: " + java.util.Arrays.toString(seen));
  }

  @Test
  void whatItDoesNotCoverIsLeftToCelJava() throws Exception {
    for (String expr : NOT_COVERED) {
      assertNull(DirectCondition.of(COMPILER.compile(expr).getAst(), "message"), expr);
    }
  }

  @Test
  void aMissingFieldIsAnErrorNamingIt() {
    Struct record = new Struct(EVENT).put("id", "a");
    List<Failure> failures = ConditionRules.compile(ruleSet("message.tenant.startsWith('t')"),
        EVENT).evaluate(record);
    assertTrue(failures.get(0).message().contains("could not be evaluated")
        && failures.get(0).message().contains("'tenant'"), failures.get(0).message());
  }
}
