package io.github.deltaconnect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaSinkConnectorTest {

  static Map<String, List<String>> errors(Config config) {
    return config.configValues().stream().filter(v -> !v.errorMessages().isEmpty())
        .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
  }

  Map<String, String> sink(Path dir, String... transform) {
    Map<String, String> p = new HashMap<>();
    p.put("connector.class", DeltaSinkConnector.class.getName());
    p.put("topics", "events");
    p.put("delta.table.location", dir.toUri().toString());
    p.put("transforms", "dq");
    p.put("transforms.dq.type", "io.github.deltaconnect.quality.QualityRules$Value");
    for (int i = 0; i < transform.length; i += 2) {
      p.put("transforms.dq." + transform[i], transform[i + 1]);
    }
    return p;
  }

  @Test
  void aQualityRuleErrorShowsAtValidationUnderItsFullPropertyName(@TempDir Path dir) {
    Map<String, List<String>> errors = errors(new DeltaSinkConnector().validate(sink(dir,
        "rules", "email", "rule.email.type", "regex", "rule.email.field", "email",
        "rule.email.pattern", "[a-")));
    assertEquals(List.of("transforms.dq.rule.email.pattern"), List.copyOf(errors.keySet()));
    assertTrue(errors.get("transforms.dq.rule.email.pattern").get(0)
        .contains("not a valid regular expression"), errors.toString());
  }

  @Test
  void aCelRuleThatDoesNotCompileShowsAtValidation(@TempDir Path dir) {
    Map<String, List<String>> errors = errors(new DeltaSinkConnector().validate(sink(dir,
        "rules", "c", "rule.c.type", "cel", "rule.c.expr", "message.amount >")));
    assertTrue(errors.get("transforms.dq.rule.c.expr").get(0).contains("does not compile"),
        errors.toString());
  }

  @Test
  void aValidRuleChainAddsNoError(@TempDir Path dir) {
    assertEquals(Map.of(), errors(new DeltaSinkConnector().validate(sink(dir,
        "rules", "u", "rule.u.type", "not_null", "rule.u.field", "user_id"))));
  }

  @Test
  void aBadGatePropertyShowsAtValidationUnderItsOwnName(@TempDir Path dir) {
    Map<String, String> p = new HashMap<>();
    p.put("connector.class", DeltaSinkConnector.class.getName());
    p.put("topics", "events");
    p.put("delta.table.location", dir.toUri().toString());
    p.put("delta.gates", "nulls");
    p.put("delta.gate.nulls.metric", "null_rate_user_id");
    p.put("delta.gate.nulls.threshold", "3");
    Map<String, List<String>> errors = errors(new DeltaSinkConnector().validate(p));
    assertEquals(List.of("delta.gate.nulls.threshold"), List.copyOf(errors.keySet()),
        errors.toString());
    assertTrue(errors.get("delta.gate.nulls.threshold").get(0).contains("at most 1"),
        errors.toString());
  }
}
