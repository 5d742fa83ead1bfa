package io.github.deltaconnect.quality.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.quality.rule.Action;
import io.github.deltaconnect.quality.rule.RuleType;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Every configuration error names the full property and says what is wrong. */
class QualityRulesConfigTest {

  static Map<String, String> props(String... kv) {
    Map<String, String> p = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      p.put(kv[i], kv[i + 1]);
    }
    return p;
  }

  static String error(String... kv) {
    return assertThrows(ConfigException.class, () -> new QualityRulesConfig(props(kv)))
        .getMessage();
  }

  static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), "'" + part + "' in: " + message);
    }
  }

  @Test
  void aValidConfigBuildsEveryRuleInOrderWithItsAction() {
    QualityRulesConfig c = new QualityRulesConfig(props(
        "rules", "present,amount,cel",
        "rule.present.type", "not_null", "rule.present.field", "user_id",
        "rule.amount.type", "RANGE", "rule.amount.field", "amount", "rule.amount.min", "0",
        "rule.amount.action", "drop",
        "rule.cel.type", "cel", "rule.cel.expr", "message.amount < 100.0",
        "rule.cel.action", "tag"));
    assertEquals(3, c.rules().size());
    assertEquals(RuleType.NOT_NULL, c.rules().get(0).type());
    assertEquals(Action.FAIL, c.rules().get(0).action());
    assertEquals(Action.DROP, c.rules().get(1).action());
    assertEquals(Action.TAG, c.rules().get(2).action());
    assertEquals(QualityRulesConfig.OnNull.PASS, c.onNull());
    assertEquals("dq.violations", c.tagHeader());
  }

  @Test
  void anUnknownTypeNamesTheRule() {
    assertMentions(error("rules", "r", "rule.r.type", "between", "rule.r.field", "x"),
        "rule 'r'", "rule.r.", "between");
  }

  @Test
  void aMissingTypeNamesTheRule() {
    assertMentions(error("rules", "r", "rule.r.field", "x"), "rule 'r'", "type");
  }

  @Test
  void aBadRegexNamesThePropertyAndTheSyntaxError() {
    assertMentions(error("rules", "r", "rule.r.type", "regex", "rule.r.field", "x",
        "rule.r.pattern", "[a-"), "rule.r.pattern", "not a valid regular expression");
  }

  @Test
  void aCelExpressionThatDoesNotCompileIsRefused() {
    assertMentions(error("rules", "c", "rule.c.type", "cel", "rule.c.expr", "message.amount >"),
        "rule.c.expr", "does not compile");
  }

  @Test
  void aCelExpressionThatIsNotBooleanIsRefused() {
    assertMentions(error("rules", "c", "rule.c.type", "cel", "rule.c.expr", "1 + 2"),
        "rule.c.expr", "does not compile");
  }

  @Test
  void aRuleWithoutItsFieldIsRefused() {
    assertMentions(error("rules", "r", "rule.r.type", "not_null"), "rule.r.field", "needs the field");
    assertMentions(error("rules", "r", "rule.r.type", "required"), "rule.r.fields");
  }

  @Test
  void aMalformedFieldPathIsRefused() {
    assertMentions(error("rules", "r", "rule.r.type", "not_null", "rule.r.field", "a[x]"),
        "rule.r.field", "not a field path");
  }

  @Test
  void rangeBoundsMustBeNumbersInOrderAndAtLeastOneGiven() {
    assertMentions(error("rules", "r", "rule.r.type", "range", "rule.r.field", "x"),
        "rule.r.min", "or rule.r.max");
    assertMentions(error("rules", "r", "rule.r.type", "range", "rule.r.field", "x",
        "rule.r.min", "ten"), "rule.r.min", "not a decimal number");
    assertMentions(error("rules", "r", "rule.r.type", "range", "rule.r.field", "x",
        "rule.r.min", "5", "rule.r.max", "1"), "rule.r.max", "below rule.r.min=5");
  }

  @Test
  void typeSpecificSettingsAreRequired() {
    assertMentions(error("rules", "r", "rule.r.type", "allowed", "rule.r.field", "x"),
        "rule.r.values");
    assertMentions(error("rules", "r", "rule.r.type", "length", "rule.r.field", "x"),
        "rule.r.min.length");
    assertMentions(error("rules", "r", "rule.r.type", "freshness", "rule.r.field", "x"),
        "rule.r.max.age.ms");
    assertMentions(error("rules", "r", "rule.r.type", "regex", "rule.r.field", "x"),
        "rule.r.pattern");
    assertMentions(error("rules", "r", "rule.r.type", "cel"), "rule.r.expr");
  }

  @Test
  void aRuleConfiguredButNotListedIsRefused() {
    assertMentions(error("rules", "a", "rule.a.type", "not_null", "rule.a.field", "x",
        "rule.b.type", "not_null"), "rule.b.type", "not listed in rules");
  }

  @Test
  void aMisspeltRulePropertyIsRefused() {
    assertMentions(error("rules", "a", "rule.a.type", "range", "rule.a.field", "x",
        "rule.a.minimum", "0"), "rule.a.minimum", "unknown rule property");
  }

  @Test
  void ruleNamesAreCheckedForShapeAndRepeats() {
    assertMentions(error("rules", "a,a"), "rules", "listed twice");
    assertMentions(error("rules", "a.b"), "rules", "'a.b'");
    assertMentions(error("rules", ""), "rules", "at least one");
  }

  @Test
  void anUnknownActionIsRefused() {
    assertMentions(error("rules", "r", "rule.r.type", "not_null", "rule.r.field", "x",
        "rule.r.action", "ignore"), "rule 'r'", "ignore");
  }
}
