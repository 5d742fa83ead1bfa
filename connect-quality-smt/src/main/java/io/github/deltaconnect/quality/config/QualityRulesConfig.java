package io.github.deltaconnect.quality.config;

import io.github.deltaconnect.common.NamedSections;
import io.github.deltaconnect.quality.rule.Action;
import io.github.deltaconnect.quality.rule.AllowedCheck;
import io.github.deltaconnect.quality.rule.CelCheck;
import io.github.deltaconnect.quality.rule.Check;
import io.github.deltaconnect.quality.rule.FieldPath;
import io.github.deltaconnect.quality.rule.FreshnessCheck;
import io.github.deltaconnect.quality.rule.LengthCheck;
import io.github.deltaconnect.quality.rule.NotNullCheck;
import io.github.deltaconnect.quality.rule.RangeCheck;
import io.github.deltaconnect.quality.rule.RegexCheck;
import io.github.deltaconnect.quality.rule.RequiredCheck;
import io.github.deltaconnect.quality.rule.Rule;
import io.github.deltaconnect.quality.rule.RuleType;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Configuration of the quality rules transform. Two ConfigDefs: {@link #CONFIG_DEF} for the
 * transform ({@code rules}, {@code on.null}, {@code tag.header}) and {@link #RULE_DEF} for each
 * rule, whose properties are prefixed {@code rule.<name>.}:
 *
 * <pre>
 * rules=user_present,amount_range
 * rule.user_present.type=not_null
 * rule.user_present.field=user_id
 * rule.amount_range.type=range
 * rule.amount_range.field=amount
 * rule.amount_range.min=0
 * rule.amount_range.action=drop
 * </pre>
 *
 * <p>Every error is a ConfigException naming the full property ({@code rule.amount_range.min})
 * and what is wrong with it.
 */
public final class QualityRulesConfig extends AbstractConfig {

  public static final String RULES = "rules";
  public static final String ON_NULL = "on.null";
  public static final String TAG_HEADER = "tag.header";
  public static final String RULE_PREFIX = "rule.";

  public static final String TYPE = "type";
  public static final String FIELD = "field";
  public static final String FIELDS = "fields";
  public static final String ACTION = "action";
  public static final String MIN = "min";
  public static final String MAX = "max";
  public static final String MIN_INCLUSIVE = "min.inclusive";
  public static final String MAX_INCLUSIVE = "max.inclusive";
  public static final String PATTERN = "pattern";
  public static final String VALUES = "values";
  public static final String MIN_LENGTH = "min.length";
  public static final String MAX_LENGTH = "max.length";
  public static final String MAX_AGE_MS = "max.age.ms";
  public static final String MAX_FUTURE_MS = "max.future.ms";
  public static final String UNIT = "unit";
  public static final String EXPR = "expr";
  public static final String SHOW_VALUE = "show.value";

  /** What happens to a record whose checked part is null (a tombstone, for the value). */
  public enum OnNull { PASS, DROP, FAIL }

  public static final ConfigDef CONFIG_DEF = new ConfigDef()
      .define(RULES, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new RuleNames(), Importance.HIGH,
          "Names of the rules to apply, comma-separated, each configured by the rule.<name>.*"
              + " properties below. Letters, digits, '_' and '-'. Every rule is checked on every"
              + " record; when several are violated the strongest action wins (fail, then drop,"
              + " then tag).")
      .define(ON_NULL, Type.STRING, "pass", ConfigDef.ValidString.in("pass", "drop", "fail"),
          Importance.MEDIUM, "What to do with a record whose checked part (the value for"
              + " QualityRules$Value, the key for QualityRules$Key) is null, as a tombstone's"
              + " value is: pass it unchecked (so deletes reach the sink), drop it (counted), or"
              + " fail it.")
      .define(TAG_HEADER, Type.STRING, "dq.violations", new ConfigDef.NonEmptyString(),
          Importance.LOW, "Header that rules with action=tag add to a record they pass: the"
              + " violated rules' names, comma-separated.");

  /** The properties of one rule, each prefixed {@code rule.<name>.} in the transform's config. */
  public static final ConfigDef RULE_DEF = new ConfigDef()
      .define(TYPE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
          ConfigDef.CaseInsensitiveValidString.in(RuleType.configNames().toArray(String[]::new)),
          Importance.HIGH, "not_null: the field exists and is not null. required: every field of"
              + " 'fields' is present (null allowed). range: a number within min/max. regex: a"
              + " string matching 'pattern' as a whole. allowed: a value among 'values'. length:"
              + " a string's, binary's, list's or map's length within min.length/max.length."
              + " freshness: a timestamp within max.age.ms of now and at most max.future.ms ahead."
              + " cel: the CEL expression 'expr' over the record (bound to 'message') is true."
              + " All but not_null, required and cel pass a null or absent value.")
      .define(FIELD, Type.STRING, null, Importance.HIGH, "The field the rule checks, as a path:"
          + " names separated by dots, list elements by index (address.city, lines[0].sku)."
          + " Required by every type but required and cel.")
      .define(FIELDS, Type.LIST, "", Importance.MEDIUM, "For type=required: the field paths that"
          + " must be present.")
      .define(ACTION, Type.STRING, "fail",
          ConfigDef.CaseInsensitiveValidString.in("fail", "drop", "tag"), Importance.HIGH,
          "On violation: fail (a DataException naming rule, field and value; with"
              + " errors.tolerance=all Connect sends the record to the dead-letter queue with its"
              + " error headers, otherwise the task stops), drop (filtered out, counted in JMX),"
              + " or tag (passed on with the tag.header header naming the rule).")
      .define(MIN, Type.STRING, null, Importance.MEDIUM, "For type=range: the lower bound, a"
          + " decimal number.")
      .define(MAX, Type.STRING, null, Importance.MEDIUM, "For type=range: the upper bound, a"
          + " decimal number.")
      .define(MIN_INCLUSIVE, Type.BOOLEAN, true, Importance.LOW, "For type=range: whether min"
          + " itself is allowed.")
      .define(MAX_INCLUSIVE, Type.BOOLEAN, true, Importance.LOW, "For type=range: whether max"
          + " itself is allowed.")
      .define(PATTERN, Type.STRING, null, Importance.MEDIUM, "For type=regex: a Java regular"
          + " expression the whole string must match.")
      .define(VALUES, Type.LIST, "", Importance.MEDIUM, "For type=allowed: the allowed values,"
          + " comma-separated, compared with the value's text (1 for the integer 1).")
      .define(MIN_LENGTH, Type.INT, null, new NullOr(ConfigDef.Range.atLeast(0)), Importance.MEDIUM,
          "For type=length: the smallest length allowed.")
      .define(MAX_LENGTH, Type.INT, null, new NullOr(ConfigDef.Range.atLeast(0)), Importance.MEDIUM,
          "For type=length: the largest length allowed.")
      .define(MAX_AGE_MS, Type.LONG, null, new NullOr(ConfigDef.Range.atLeast(0)), Importance.MEDIUM,
          "For type=freshness: how old the timestamp may be, in milliseconds.")
      .define(MAX_FUTURE_MS, Type.LONG, null, new NullOr(ConfigDef.Range.atLeast(0)), Importance.MEDIUM,
          "For type=freshness: how far ahead of the worker's clock the timestamp may be, in"
              + " milliseconds.")
      .define(UNIT, Type.STRING, "millis", ConfigDef.CaseInsensitiveValidString.in("millis",
          "micros"), Importance.LOW, "For type=freshness: the unit of a timestamp given as a"
          + " number since the epoch. Connect Timestamps and ISO-8601 strings need none.")
      .define(SHOW_VALUE, Type.BOOLEAN, true, Importance.MEDIUM, "Whether a violation's message"
          + " (the DataException, so the DLQ's error headers and the worker log) shows the"
          + " offending value (shortened to 80 characters). false shows only its kind and length:"
          + " for fields that hold personal data, such as an email.")
      .define(EXPR, Type.STRING, null, Importance.HIGH, "For type=cel: a CEL expression that must"
          + " be true; the record is 'message' (message.amount > 0.0, has(message.email)). For"
          + " records with a schema it is type-checked against it, so a field that does not"
          + " exist fails every record of that schema.");

  private final List<Rule> rules;
  private final OnNull onNull;

  public QualityRulesConfig(Map<?, ?> props) {
    this(props, Clock.systemUTC());
  }

  public QualityRulesConfig(Map<?, ?> props, Clock clock) {
    super(CONFIG_DEF, props);
    this.onNull = OnNull.valueOf(getString(ON_NULL).toUpperCase(Locale.ROOT));
    List<String> names = getList(RULES);
    NamedSections.checkKeys(originalsStrings(), RULE_PREFIX, RULES, names, RULE_DEF.names(),
        "rule");
    List<Rule> built = new ArrayList<>(names.size());
    for (String name : names) {
      built.add(rule(name, clock));
    }
    this.rules = List.copyOf(built);
  }

  public List<Rule> rules() {
    return rules;
  }

  public OnNull onNull() {
    return onNull;
  }

  public String tagHeader() {
    return getString(TAG_HEADER);
  }

  private Rule rule(String name, Clock clock) {
    String prefix = RULE_PREFIX + name + ".";
    AbstractConfig c;
    try {
      c = new AbstractConfig(RULE_DEF, originalsWithPrefix(prefix), false);
    } catch (ConfigException e) {
      // ConfigDef names the bare property ("type"): say which rule's it is.
      throw new ConfigException("rule '" + name + "' (" + prefix + "*): " + e.getMessage());
    }
    RuleType type = RuleType.of(c.getString(TYPE));
    Action action = Action.of(c.getString(ACTION));
    String fieldText = c.getString(FIELD);
    FieldPath field = null;
    boolean show = c.getBoolean(SHOW_VALUE);
    if (type != RuleType.REQUIRED && type != RuleType.CEL) {
      field = path(prefix + FIELD, fieldText, type);
    }
    Check check = switch (type) {
      case NOT_NULL -> new NotNullCheck(field, show);
      case REQUIRED -> {
        List<String> fields = c.getList(FIELDS);
        if (fields.isEmpty()) {
          throw new ConfigException(prefix + FIELDS, "", "type=required needs the fields that"
              + " must be present");
        }
        yield new RequiredCheck(fields.stream().map(f -> path(prefix + FIELDS, f, type))
            .toList());
      }
      case RANGE -> {
        RangeCheck.Bound min = bound(prefix + MIN, c.getString(MIN), c.getBoolean(MIN_INCLUSIVE));
        RangeCheck.Bound max = bound(prefix + MAX, c.getString(MAX), c.getBoolean(MAX_INCLUSIVE));
        if (min == null && max == null) {
          throw new ConfigException(prefix + MIN, null, "type=range needs " + prefix + MIN
              + " or " + prefix + MAX + " (or both)");
        }
        if (min != null && max != null && min.value().compareTo(max.value()) > 0) {
          throw new ConfigException(prefix + MAX, c.getString(MAX), "is below " + prefix + MIN
              + "=" + c.getString(MIN));
        }
        yield new RangeCheck(field, min, max, show);
      }
      case REGEX -> {
        String pattern = c.getString(PATTERN);
        if (pattern == null || pattern.isEmpty()) {
          throw new ConfigException(prefix + PATTERN, pattern, "type=regex needs a pattern");
        }
        try {
          yield new RegexCheck(field, Pattern.compile(pattern), show);
        } catch (PatternSyntaxException e) {
          throw new ConfigException(prefix + PATTERN, pattern, "is not a valid regular"
              + " expression: " + e.getDescription() + " near index " + e.getIndex());
        }
      }
      case ALLOWED -> {
        List<String> values = c.getList(VALUES);
        if (values.isEmpty()) {
          throw new ConfigException(prefix + VALUES, "", "type=allowed needs the allowed values");
        }
        yield new AllowedCheck(field, new LinkedHashSet<>(values), show);
      }
      case LENGTH -> {
        Integer min = c.getInt(MIN_LENGTH);
        Integer max = c.getInt(MAX_LENGTH);
        if (min == null && max == null) {
          throw new ConfigException(prefix + MIN_LENGTH, null, "type=length needs " + prefix
              + MIN_LENGTH + " or " + prefix + MAX_LENGTH + " (or both)");
        }
        if (min != null && max != null && min > max) {
          throw new ConfigException(prefix + MAX_LENGTH, max, "is below " + prefix + MIN_LENGTH
              + "=" + min);
        }
        yield new LengthCheck(field, min, max, show);
      }
      case FRESHNESS -> {
        Long age = c.getLong(MAX_AGE_MS);
        Long future = c.getLong(MAX_FUTURE_MS);
        if (age == null && future == null) {
          throw new ConfigException(prefix + MAX_AGE_MS, null, "type=freshness needs " + prefix
              + MAX_AGE_MS + " or " + prefix + MAX_FUTURE_MS + " (or both)");
        }
        yield new FreshnessCheck(field, age == null ? null : Duration.ofMillis(age),
            future == null ? null : Duration.ofMillis(future),
            "micros".equalsIgnoreCase(c.getString(UNIT)), clock, show);
      }
      case CEL -> {
        String expr = c.getString(EXPR);
        if (expr == null || expr.isBlank()) {
          throw new ConfigException(prefix + EXPR, expr, "type=cel needs an expression");
        }
        try {
          yield CelCheck.compile(name, expr);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(prefix + EXPR, expr, e.getMessage());
        }
      }
    };
    String target = type == RuleType.CEL ? c.getString(EXPR)
        : type == RuleType.REQUIRED ? String.join(",", c.getList(FIELDS)) : fieldText;
    return new Rule(name, type, action, target, check);
  }

  private static FieldPath path(String property, String text, RuleType type) {
    if (text == null || text.isBlank()) {
      throw new ConfigException(property, text, "type=" + type.configName() + " needs the field"
          + " it checks");
    }
    try {
      return FieldPath.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(property, text, "is not a field path: " + e.getMessage());
    }
  }

  private static RangeCheck.Bound bound(String property, String text, boolean inclusive) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return new RangeCheck.Bound(new BigDecimal(text.trim()), inclusive);
    } catch (NumberFormatException e) {
      throw new ConfigException(property, text, "is not a decimal number");
    }
  }

  /** Unset, or valid for {@code inner}. */
  private record NullOr(ConfigDef.Validator inner) implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value != null) {
        inner.ensureValid(name, value);
      }
    }

    @Override
    public String toString() {
      return inner + " (or unset)";
    }
  }

  /** Rule names: at least one, each well-formed, none twice. */
  private static final class RuleNames implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      @SuppressWarnings("unchecked")
      List<String> names = (List<String>) value;
      if (names == null || names.isEmpty()) {
        throw new ConfigException(name, value, "list at least one rule");
      }
      NamedSections.checkNames(name, names, "rule");
    }

    @Override
    public String toString() {
      return "names of letters, digits, '_' and '-', at least one";
    }
  }
}
