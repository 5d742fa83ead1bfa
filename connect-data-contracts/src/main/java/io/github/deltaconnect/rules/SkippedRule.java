package io.github.deltaconnect.rules;

/**
 * A rule the engine does not run, and why (unsupported kind, type or mode, or disabled).
 *
 * @param rule the rule as declared
 * @param reason why it is not run
 */
public record SkippedRule(Rule rule, String reason) {}
