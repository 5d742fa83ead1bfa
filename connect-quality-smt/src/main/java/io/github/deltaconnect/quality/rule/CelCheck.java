package io.github.deltaconnect.quality.rule;

import io.github.deltaconnect.rules.ConditionRules;
import io.github.deltaconnect.rules.Failure;
import io.github.deltaconnect.rules.Rule.Action;
import io.github.deltaconnect.rules.RuleSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CEL expression over the record, bound to {@code message}, that must be true. The engine is the
 * one the contract converter runs data-contract rules with ({@code connect-data-contracts}): for
 * structs it is compiled against each schema met (typed, so a misspelt field is a compile error,
 * reported as a violation of every record of that schema and logged once), for schemaless values
 * once, dynamically typed.
 */
public final class CelCheck implements Check {
  private static final Logger LOG = LoggerFactory.getLogger(CelCheck.class);
  /** Schemas compiled for at once; more (a schema per record?) recompiles the oldest. */
  static final int SCHEMAS_KEPT = 32;

  private final String name;
  private final String expr;
  private final RuleSet ruleSet;
  private final ConditionRules schemaless;
  private final Map<Schema, Object> bySchema = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Schema, Object> eldest) {
      return size() > SCHEMAS_KEPT;
    }
  };
  private Schema lastSchema;
  private Object lastCompiled;

  private CelCheck(String name, String expr, RuleSet ruleSet, ConditionRules schemaless) {
    this.name = name;
    this.expr = expr;
    this.ruleSet = ruleSet;
    this.schemaless = schemaless;
  }

  /**
   * Compiles {@code expr} without a schema, which catches syntax errors and results that are
   * never a bool. IllegalArgumentException says what is wrong.
   */
  public static CelCheck compile(String name, String expr) {
    RuleSet set = new RuleSet(List.of(io.github.deltaconnect.rules.Rule.celCondition(name, expr,
        Action.ERROR)), List.of());
    return new CelCheck(name, expr, set, ConditionRules.compileSchemaless(set));
  }

  @Override
  public String violation(Object root) {
    List<Failure> failures;
    if (root instanceof Struct struct) {
      Object compiled = forSchema(struct.schema());
      if (compiled instanceof String error) {
        return error;
      }
      failures = ((ConditionRules) compiled).evaluate(struct);
    } else {
      failures = schemaless.evaluateSchemaless(root);
    }
    if (failures.isEmpty()) {
      return null;
    }
    String message = failures.get(0).message();
    String prefix = "rule '" + name + "' ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  /** The rules compiled for {@code schema}, or why they do not compile for it. */
  private Object forSchema(Schema schema) {
    if (schema == lastSchema) {
      return lastCompiled;
    }
    Object compiled = bySchema.get(schema);
    if (compiled == null) {
      try {
        compiled = ConditionRules.compile(ruleSet, schema);
      } catch (IllegalArgumentException e) {
        compiled = "(" + expr + ") does not compile for schema " + schema.name() + ": "
            + e.getMessage();
        LOG.error("Quality rule '{}': {}; every record of this schema violates it", name,
            compiled);
      }
      bySchema.put(schema, compiled);
    }
    lastSchema = schema;
    lastCompiled = compiled;
    return compiled;
  }
}
