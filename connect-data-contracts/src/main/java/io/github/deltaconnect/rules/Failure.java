package io.github.deltaconnect.rules;

/**
 * A condition that did not hold for a record, or could not be evaluated on it.
 *
 * @param rule the rule name
 * @param action what the rule asks for on failure (READ side)
 * @param expr the CEL expression
 * @param message a readable explanation naming the rule and expression
 */
public record Failure(String rule, Rule.Action action, String expr, String message) {

  static Failure falseResult(Rule rule) {
    return new Failure(rule.name(), rule.onFailure(), rule.expr(),
        "rule '" + rule.name() + "' (" + rule.expr() + ") failed");
  }

  static Failure error(Rule rule, String error) {
    return new Failure(rule.name(), rule.onFailure(), rule.expr(),
        "rule '" + rule.name() + "' (" + rule.expr() + ") could not be evaluated: " + error);
  }
}
