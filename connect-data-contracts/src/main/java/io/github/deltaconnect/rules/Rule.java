package io.github.deltaconnect.rules;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One rule of a data-contract {@code ruleSet}, as Confluent's registry stores it.
 *
 * @param name the rule name, unique within its rule set
 * @param doc free-form documentation, or null
 * @param kind CONDITION (a check) or TRANSFORM (a rewrite); Confluent's default is TRANSFORM
 * @param mode when the rule runs; Confluent's default is WRITEREAD
 * @param type the executor, e.g. {@code CEL}, {@code CEL_FIELD}, {@code ENCRYPT}
 * @param expr the expression, or null
 * @param onSuccess the raw {@code onSuccess} action(s), or null
 * @param onFailure the action on failure when reading (the READ side of a "write,read" pair)
 * @param disabled whether the rule is switched off
 * @param params executor parameters
 * @param tags field tags the rule targets (field-level rules)
 */
public record Rule(
    String name,
    String doc,
    Kind kind,
    Mode mode,
    String type,
    String expr,
    String onSuccess,
    Action onFailure,
    boolean disabled,
    Map<String, String> params,
    List<String> tags) {

  public Rule {
    Objects.requireNonNull(name, "name");
    kind = kind == null ? Kind.TRANSFORM : kind;
    mode = mode == null ? Mode.WRITEREAD : mode;
    onFailure = onFailure == null ? Action.ERROR : onFailure;
    params = params == null ? Map.of() : Map.copyOf(params);
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  /** A CEL condition with defaults for everything else, mostly for tests and local contracts. */
  public static Rule celCondition(String name, String expr, Action onFailure) {
    return new Rule(name, null, Kind.CONDITION, Mode.WRITEREAD, "CEL", expr, null, onFailure,
        false, Map.of(), List.of());
  }

  /** Whether a reader (a sink-side converter or transform) is meant to run this rule. */
  public boolean appliesToRead() {
    return mode == Mode.READ || mode == Mode.WRITEREAD;
  }

  public enum Kind { CONDITION, TRANSFORM }

  public enum Mode { WRITE, READ, WRITEREAD, UPGRADE, DOWNGRADE, UPDOWN }

  /** What the consumer of a failure should do with the record. */
  public enum Action {
    /** Fail: the record is refused as an error. */
    ERROR,
    /** Ignore the failure (it is still reported). */
    NONE,
    /** Send the record to the dead-letter queue. */
    DLQ
  }
}
