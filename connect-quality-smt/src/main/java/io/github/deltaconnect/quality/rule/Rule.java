package io.github.deltaconnect.quality.rule;

import java.util.Objects;

/**
 * A configured rule: its name (as listed in {@code rules}), type, action and check.
 *
 * @param target what the rule looks at, for messages: a field path or a CEL expression
 */
public record Rule(String name, RuleType type, Action action, String target, Check check) {

  public Rule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(check, "check");
  }

  /** {@code name (type on target)}, as messages and logs name a rule. */
  public String describe() {
    return name + " (" + type.configName() + (target == null ? "" : " on " + target) + ")";
  }
}
