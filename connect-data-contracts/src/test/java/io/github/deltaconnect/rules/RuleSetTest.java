package io.github.deltaconnect.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleSetTest {

  @Test
  void parsesConfluentRuleSetJson() {
    RuleSet set = RuleSet.parse("""
        {"domainRules":[{"name":"amountPositive","kind":"CONDITION","type":"CEL","mode":"READ",
          "expr":"message.amount > 0.0","onFailure":"DLQ","disabled":false,"doc":"no refunds",
          "params":{"dlq.topic":"bad-orders","retries":3},"tags":["PII"]}],
         "migrationRules":[{"name":"up","kind":"TRANSFORM","type":"JSONATA","mode":"UPGRADE",
          "expr":"$"}]}
        """);
    assertEquals(1, set.domainRules().size());
    Rule rule = set.domainRules().get(0);
    assertEquals("amountPositive", rule.name());
    assertEquals(Rule.Kind.CONDITION, rule.kind());
    assertEquals("CEL", rule.type());
    assertEquals(Rule.Mode.READ, rule.mode());
    assertEquals("message.amount > 0.0", rule.expr());
    assertEquals(Rule.Action.DLQ, rule.onFailure());
    assertFalse(rule.disabled());
    assertEquals("no refunds", rule.doc());
    assertEquals(Map.of("dlq.topic", "bad-orders", "retries", "3"), rule.params());
    assertEquals(List.of("PII"), rule.tags());
    assertEquals(Rule.Mode.UPGRADE, set.migrationRules().get(0).mode());
  }

  @Test
  void absentFieldsTakeConfluentsDefaults() {
    Rule rule = RuleSet.parse("{\"domainRules\":[{\"name\":\"r\",\"type\":\"CEL\"}]}")
        .domainRules().get(0);
    assertEquals(Rule.Kind.TRANSFORM, rule.kind());
    assertEquals(Rule.Mode.WRITEREAD, rule.mode());
    assertEquals(Rule.Action.ERROR, rule.onFailure());
    assertFalse(rule.disabled());
    assertNull(rule.expr());
    assertEquals(Map.of(), rule.params());
    assertEquals(List.of(), rule.tags());
    assertTrue(rule.appliesToRead());
  }

  @Test
  void aWriteReadOnFailurePairTakesTheReadSide() {
    RuleSet set = RuleSet.parse("""
        {"domainRules":[
          {"name":"a","kind":"CONDITION","type":"CEL","expr":"true","onFailure":"ERROR,NONE"},
          {"name":"b","kind":"CONDITION","type":"CEL","expr":"true","onFailure":"NONE, DLQ"},
          {"name":"c","kind":"CONDITION","type":"CEL","expr":"true","onFailure":"dlq"}]}
        """);
    assertEquals(Rule.Action.NONE, set.domainRules().get(0).onFailure());
    assertEquals(Rule.Action.DLQ, set.domainRules().get(1).onFailure());
    assertEquals(Rule.Action.DLQ, set.domainRules().get(2).onFailure());
  }

  @Test
  void unknownFieldsAndMissingListsAreIgnored() {
    RuleSet set = RuleSet.parse("""
        {"encodingRules":[],"domainRules":[{"name":"r","kind":"CONDITION","type":"CEL",
          "expr":"true","onSuccess":"NONE","futureField":{"x":1}}]}
        """);
    assertEquals(1, set.domainRules().size());
    assertEquals("NONE", set.domainRules().get(0).onSuccess());
    assertEquals(List.of(), set.migrationRules());
    assertEquals(RuleSet.EMPTY, RuleSet.parse("{}"));
  }

  @Test
  void malformedJsonIsAnIllegalArgumentWithAClearMessage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RuleSet.parse("{\"domainRules\":[{\"name\":"));
    assertTrue(e.getMessage().startsWith("ruleSet is not valid JSON"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> RuleSet.parse(""));
    assertThrows(IllegalArgumentException.class, () -> RuleSet.parse("[]"));
    assertThrows(IllegalArgumentException.class, () -> RuleSet.parse("{\"domainRules\":{}}"));
  }

  @Test
  void invalidRulesAreRejectedNamingTheRule() {
    IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
        () -> RuleSet.parse("{\"domainRules\":[{\"name\":\"r\",\"kind\":\"CHECK\"}]}"));
    assertEquals("rule 'r' has unknown kind 'CHECK' (expected one of [CONDITION, TRANSFORM])",
        kind.getMessage());
    IllegalArgumentException action = assertThrows(IllegalArgumentException.class,
        () -> RuleSet.parse("{\"domainRules\":[{\"name\":\"r\",\"onFailure\":\"ERROR,RETRY\"}]}"));
    assertTrue(action.getMessage().contains("rule 'r' has unknown onFailure 'RETRY'"),
        action.getMessage());
    IllegalArgumentException noName = assertThrows(IllegalArgumentException.class,
        () -> RuleSet.parse("{\"domainRules\":[{\"kind\":\"CONDITION\"}]}"));
    assertEquals("ruleSet.domainRules[0] has no name", noName.getMessage());
  }
}
