package io.github.deltaconnect.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CEL conditions of a rule set, compiled for one Connect struct schema. Immutable and safe to
 * share between threads; compile once per (rule set, schema), evaluate per record.
 *
 * <p>Runs the domain rules a reader is meant to run: {@code kind=CONDITION}, {@code type=CEL},
 * mode READ or WRITEREAD (absent means WRITEREAD), not disabled. Everything else is reported by
 * {@link #skipped()} and logged when compiling. The record is the variable {@code message}, typed
 * after the Connect schema (structs are CEL struct types), so misspelt fields and type errors fail
 * {@link #compile} rather than every record.
 *
 * <p>What expressions see: INT8..INT64 are CEL {@code int}, FLOAT32/64 {@code double}, BYTES
 * {@code bytes}, arrays lists, maps maps, nested structs structs. Timestamp, Date and the
 * micros/local timestamp types of {@code AvroData} are {@code timestamp} (local ones read as UTC),
 * Time and TimeMicros {@code duration}. Decimal is {@code double}: lossy beyond about 15
 * significant digits, chosen so {@code message.amount > 0.0} reads naturally. A null optional
 * field is absent: {@code has(message.x)} is false and reading {@code message.x} is an evaluation
 * error (a failure), so guard optional fields with {@code has()}. Null list elements and map
 * values are CEL {@code null}. Ints and doubles compare with each other ({@code <}, {@code >}),
 * but {@code ==} between them still needs a conversion, as in standard CEL. Beware: cel-java
 * compares an int with a double through {@code Double.compare}, so a NaN passes {@code
 * message.amount >= 0} (and -0.0 fails it); compare doubles with doubles ({@code >= 0.0}), where
 * NaN never passes.
 *
 * <p>Conditions of the common shapes (field reads, {@code has()}, number comparisons, equality,
 * string tests, logic) run in {@link DirectCondition}, which gives cel-java's results without its
 * interpreter's per-node costs; the rest run in cel-java's interpreter.
 */
public final class ConditionRules {

  private static final Logger LOG = LoggerFactory.getLogger(ConditionRules.class);

  /** The variable Confluent's CEL executor binds the record to. */
  public static final String VARIABLE = "message";

  /** Current CEL semantics plus int/double comparisons, so {@code message.amount > 0} checks. */
  private static final CelOptions OPTIONS =
      CelOptions.current().enableHeterogeneousNumericComparisons(true).build();

  /**
   * The runtime holds no per-schema state (values are plain maps), so one serves all rule sets.
   *
   * <p>The legacy interpreter, not cel-java 0.14's planner ({@code plannerRuntimeBuilder}): on
   * JDK 17 the planner was 2-30 % slower per rule in JMH, as its value converter runs interface
   * type checks on every value and result, which are slow to fail before JDK 23; on JDK 25 it was
   * 1.6 to 4.4 times faster (docs/benchmarks.md).
   *
   * <p>Without re-adapting each call's result to protobuf well-known types: our values and the
   * standard functions' results are already native Java (Instant, Duration, CelByteString), so it
   * changed nothing but cost a type lookup and adapter per call (about 10 % of a rule's time in
   * JMH). The option is deprecated; drop this line when cel-java removes it.
   */
  @SuppressWarnings("deprecation")
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
      .setOptions(OPTIONS.toBuilder().unwrapWellKnownTypesOnFunctionDispatch(false).build())
      .build();

  /** {@code direct} evaluates the rule without cel-java's interpreter when it covers it. */
  private record Compiled(Rule rule, CelRuntime.Program program, DirectCondition direct) {}

  private final Schema schema;
  private final MessageBinding.ToCel binding;
  private final List<Compiled> compiled;
  private final List<SkippedRule> skipped;

  private ConditionRules(Schema schema, MessageBinding.ToCel binding, List<Compiled> compiled,
      List<SkippedRule> skipped) {
    this.schema = schema;
    this.binding = binding;
    this.compiled = List.copyOf(compiled);
    this.skipped = List.copyOf(skipped);
  }

  /**
   * Compiles the supported domain rules of {@code rules} against {@code schema}.
   *
   * @throws IllegalArgumentException naming the rule when a supported rule has no expression or
   *     its expression does not compile (CEL's error text included), or when the schema is not a
   *     struct
   */
  public static ConditionRules compile(RuleSet rules, Schema schema) {
    return compile(rules, schema, true);
  }

  /** With {@code direct} false every rule runs in cel-java's interpreter (for comparisons). */
  static ConditionRules compile(RuleSet rules, Schema schema, boolean direct) {
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(schema, "schema");
    if (schema.type() != Schema.Type.STRUCT) {
      throw new IllegalArgumentException(
          "CEL conditions need a struct schema, not " + schema.type());
    }
    MessageBinding binding = MessageBinding.of(schema, VARIABLE);
    CelCompiler compiler = CelCompilerFactory.standardCelCompilerBuilder()
        .setOptions(OPTIONS)
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .setTypeProvider(binding.types())
        .addVar(VARIABLE, binding.type())
        .setResultType(SimpleType.BOOL)
        .build();
    return compile(rules, schema, compiler, binding::toCel, direct);
  }

  /**
   * Compiles the supported domain rules of {@code rules} for values without a Connect schema
   * (schemaless maps, lists and primitives, as JsonConverter with schemas off gives them): the
   * variable is {@code dyn}, so only syntax and what is certain without types (a result that is
   * never a bool) fail here; a misspelt field fails each evaluation instead. Values are seen as
   * {@link DynamicValues} describes.
   *
   * @throws IllegalArgumentException naming the rule when an expression does not compile
   */
  public static ConditionRules compileSchemaless(RuleSet rules) {
    Objects.requireNonNull(rules, "rules");
    CelCompiler compiler = CelCompilerFactory.standardCelCompilerBuilder()
        .setOptions(OPTIONS)
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addVar(VARIABLE, SimpleType.DYN)
        .setResultType(SimpleType.BOOL)
        .build();
    return compile(rules, null, compiler, DynamicValues::toCel, false);
  }

  private static ConditionRules compile(RuleSet rules, Schema schema, CelCompiler compiler,
      MessageBinding.ToCel binding, boolean direct) {
    List<Compiled> compiled = new ArrayList<>();
    List<SkippedRule> skipped = new ArrayList<>();
    for (Rule rule : rules.domainRules()) {
      String unsupported = unsupported(rule);
      if (unsupported != null) {
        SkippedRule skip = new SkippedRule(rule, unsupported);
        skipped.add(skip);
        if (rule.disabled()) {
          LOG.info("Rule '{}' is skipped: {}", rule.name(), unsupported);
        } else {
          LOG.warn("Rule '{}' is skipped: {}", rule.name(), unsupported);
        }
        continue;
      }
      CelAbstractSyntaxTree ast = ast(compiler, rule);
      // Typed rules only: the direct path fixes each node's meaning from the checked types.
      compiled.add(new Compiled(rule, program(rule, ast),
          direct ? DirectCondition.of(ast, VARIABLE) : null));
    }
    LOG.debug("Compiled {} CEL condition(s) for schema {}, skipped {}", compiled.size(),
        schema == null ? "(none)" : schema.name(), skipped.size());
    return new ConditionRules(schema, binding, compiled, skipped);
  }

  /** Why a rule is not run here, or null when it is. */
  private static String unsupported(Rule rule) {
    if (rule.disabled()) {
      return "disabled";
    }
    if (rule.kind() != Rule.Kind.CONDITION) {
      return "kind " + rule.kind() + " is not supported (only CONDITION rules are run)";
    }
    if (!"CEL".equals(rule.type())) {
      return "type " + rule.type() + " is not supported (only CEL conditions are run"
          + ("CEL_FIELD".equals(rule.type()) ? "; field-level CEL_FIELD rules are not yet)" : ")");
    }
    if (!rule.appliesToRead()) {
      return "mode " + rule.mode() + " does not apply when reading (READ and WRITEREAD do)";
    }
    return null;
  }

  private static CelAbstractSyntaxTree ast(CelCompiler compiler, Rule rule) {
    if (rule.expr() == null || rule.expr().isBlank()) {
      throw new IllegalArgumentException("rule '" + rule.name() + "' has no expression");
    }
    try {
      return compiler.compile(rule.expr()).getAst();
    } catch (CelValidationException e) {
      throw new IllegalArgumentException("rule '" + rule.name() + "' (" + rule.expr()
          + ") does not compile: " + e.getMessage(), e);
    }
  }

  private static CelRuntime.Program program(Rule rule, CelAbstractSyntaxTree ast) {
    try {
      return RUNTIME.createProgram(ast);
    } catch (CelEvaluationException e) {
      throw new IllegalArgumentException("rule '" + rule.name() + "' (" + rule.expr()
          + ") cannot be planned: " + e.getMessage(), e);
    }
  }

  /**
   * Evaluates every compiled condition on {@code value}, a struct of the compiled schema. A
   * condition that is false, or that cannot be evaluated (a missing optional field, an index out
   * of range, ...), is a failure; nothing is thrown for either. A null value (a tombstone) has
   * nothing to check and passes.
   *
   * @return the failures in rule order; empty when every condition holds
   * @throws IllegalArgumentException when the struct's schema is not the compiled schema
   */
  public List<Failure> evaluate(Struct value) {
    if (value == null || compiled.isEmpty()) {
      return List.of();
    }
    // Identity is the normal case (converters share schema objects); equality is the slow path.
    if (schema == null || value.schema() != schema && !schema.equals(value.schema())) {
      throw new IllegalArgumentException("struct schema " + value.schema().name()
          + " is not the schema the rules were compiled for ("
          + (schema == null ? "schemaless" : schema.name()) + ")");
    }
    return evaluateBound(value);
  }

  /**
   * Evaluates rules compiled by {@link #compileSchemaless} on a value without a schema (maps with
   * string keys, lists, primitives; a Struct is read as a map of its fields). A null value passes.
   */
  public List<Failure> evaluateSchemaless(Object value) {
    if (value == null || compiled.isEmpty()) {
      return List.of();
    }
    if (schema != null) {
      throw new IllegalArgumentException("these rules were compiled for schema " + schema.name());
    }
    return evaluateBound(value);
  }

  private List<Failure> evaluateBound(Object value) {
    dev.cel.runtime.CelVariableResolver variables;
    Object message;
    try {
      message = binding.apply(value);
      // A resolver, not a map: CEL copies a map into a new activation on every evaluation.
      java.util.Optional<Object> bound = java.util.Optional.of(message);
      variables = name -> VARIABLE.equals(name) ? bound : java.util.Optional.empty();
    } catch (RuntimeException e) {
      // A schemaless value of a kind CEL has no type for: every rule fails on it, with the reason.
      String error = "the record cannot be read as CEL values: " + e.getMessage();
      return compiled.stream().map(c -> Failure.error(c.rule(), error)).toList();
    }
    List<Failure> failures = null;
    for (Compiled c : compiled) {
      Failure failure = c.direct() != null ? evaluateDirect(c, message) : evaluate(c, variables);
      if (failure != null) {
        if (failures == null) {
          failures = new ArrayList<>(2);
        }
        failures.add(failure);
      }
    }
    return failures == null ? List.of() : List.copyOf(failures);
  }

  private static Failure evaluateDirect(Compiled c, Object message) {
    Object result;
    try {
      result = c.direct().eval(message);
    } catch (RuntimeException e) { // a value of an unexpected class: an error, as in cel-java
      return Failure.error(c.rule(), String.valueOf(e));
    }
    if (Boolean.TRUE.equals(result)) {
      return null;
    }
    return result instanceof DirectCondition.Err err ? Failure.error(c.rule(), err.message())
        : Failure.falseResult(c.rule());
  }

  private static Failure evaluate(Compiled c, dev.cel.runtime.CelVariableResolver variables) {
    Object result;
    try {
      result = c.program().eval(variables);
    } catch (CelEvaluationException e) {
      return Failure.error(c.rule(), e.getMessage());
    } catch (RuntimeException e) {
      // cel-java mostly wraps errors, but a bad value can still surface as a raw exception.
      return Failure.error(c.rule(), String.valueOf(e));
    }
    if (Boolean.TRUE.equals(result)) {
      return null;
    }
    return result instanceof Boolean ? Failure.falseResult(c.rule())
        : Failure.error(c.rule(), "result is " + result + ", not a bool");
  }

  /** The rules that are run, in rule-set order. */
  public List<Rule> rules() {
    return compiled.stream().map(Compiled::rule).toList();
  }

  /** The domain rules that are not run, with the reason (also logged at compile time). */
  public List<SkippedRule> skipped() {
    return skipped;
  }

  /** Whether there is nothing to evaluate. */
  public boolean isEmpty() {
    return compiled.isEmpty();
  }

  /** The schema the rules were compiled for; null for {@link #compileSchemaless}. */
  public Schema schema() {
    return schema;
  }
}
