package io.github.deltaconnect.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A data-contract {@code ruleSet} in Confluent's JSON format: {@code {"domainRules": [...],
 * "migrationRules": [...]}}. Unknown fields are ignored so newer registries still parse.
 *
 * @param domainRules rules checking or rewriting records of one schema version
 * @param migrationRules rules translating records between versions (not run by this module)
 */
public record RuleSet(List<Rule> domainRules, List<Rule> migrationRules) {

  public static final RuleSet EMPTY = new RuleSet(List.of(), List.of());

  private static final ObjectMapper JSON = new ObjectMapper();

  public RuleSet {
    domainRules = domainRules == null ? List.of() : List.copyOf(domainRules);
    migrationRules = migrationRules == null ? List.of() : List.copyOf(migrationRules);
  }

  /** Parses the raw JSON of a {@code ruleSet} object; IllegalArgumentException says what is wrong. */
  public static RuleSet parse(String json) {
    if (json == null || json.isBlank()) {
      throw new IllegalArgumentException("ruleSet JSON is empty");
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("ruleSet is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return EMPTY;
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("ruleSet must be a JSON object, not " + root.getNodeType());
    }
    return new RuleSet(rules(root, "domainRules"), rules(root, "migrationRules"));
  }

  private static List<Rule> rules(JsonNode root, String list) {
    JsonNode node = root.get(list);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException("ruleSet." + list + " must be an array");
    }
    List<Rule> rules = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      rules.add(rule(node.get(i), list + "[" + i + "]"));
    }
    return rules;
  }

  private static Rule rule(JsonNode node, String where) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("ruleSet." + where + " must be an object");
    }
    String name = text(node, "name", where);
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("ruleSet." + where + " has no name");
    }
    String label = "rule '" + name + "'";
    return new Rule(
        name,
        text(node, "doc", label),
        constant(Rule.Kind.class, text(node, "kind", label), "kind", label),
        constant(Rule.Mode.class, text(node, "mode", label), "mode", label),
        text(node, "type", label),
        text(node, "expr", label),
        text(node, "onSuccess", label),
        onFailure(text(node, "onFailure", label), label),
        node.path("disabled").asBoolean(false),
        params(node.get("params"), label),
        tags(node.get("tags"), label));
  }

  /** "ERROR,NONE" means ERROR on write and NONE on read; a reader takes the part after the comma. */
  private static Rule.Action onFailure(String value, String label) {
    if (value == null) {
      return null;
    }
    int comma = value.indexOf(',');
    String read = comma < 0 ? value : value.substring(comma + 1);
    return constant(Rule.Action.class, read.trim(), "onFailure", label);
  }

  private static <E extends Enum<E>> E constant(Class<E> type, String value, String field,
      String label) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> allowed = new ArrayList<>();
      for (E constant : type.getEnumConstants()) {
        allowed.add(constant.name());
      }
      throw new IllegalArgumentException(
          label + " has unknown " + field + " '" + value + "' (expected one of " + allowed + ")");
    }
  }

  private static String text(JsonNode node, String field, String label) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isValueNode()) {
      throw new IllegalArgumentException(label + " field '" + field + "' must be a string");
    }
    return value.asText();
  }

  private static Map<String, String> params(JsonNode node, String label) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(label + " field 'params' must be an object");
    }
    Map<String, String> params = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
    return params;
  }

  private static List<String> tags(JsonNode node, String label) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException(label + " field 'tags' must be an array");
    }
    List<String> tags = new ArrayList<>(node.size());
    node.forEach(tag -> tags.add(tag.asText()));
    return tags;
  }
}
