package io.github.deltaconnect.quality;

import io.github.deltaconnect.quality.config.QualityRulesConfig;
import io.github.deltaconnect.quality.metrics.QualityMetrics;
import io.github.deltaconnect.quality.metrics.RuleCounters;
import io.github.deltaconnect.quality.rule.Action;
import io.github.deltaconnect.quality.rule.Rule;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-record quality rules: each configured rule checks the record's value ({@link Value}) or
 * key ({@link Key}); a violated rule fails, drops or tags the record. A failure is a
 * {@link DataException} naming the rule, the field and the value, so with
 * {@code errors.tolerance=all} Connect sends the record to the dead-letter queue with its error
 * headers, and without it the task stops with that message. Drops are counted, never silent.
 * Works on Struct (schemaful) and Map (schemaless) records; see {@link QualityRulesConfig}.
 */
public abstract class QualityRules<R extends ConnectRecord<R>>
    implements Transformation<R>, Versioned {

  private static final Logger LOG = LoggerFactory.getLogger(QualityRules.class);

  private final Clock clock;
  private List<Rule> rules = List.of();
  private Rule[] ruleArray = new Rule[0];
  private RuleCounters[] counters = new RuleCounters[0];
  private QualityRulesConfig.OnNull onNull = QualityRulesConfig.OnNull.PASS;
  private String tagHeader;
  private QualityMetrics metrics;
  private boolean[] dropLogged;

  protected QualityRules() {
    this(Clock.systemUTC());
  }

  /** For tests: freshness rules read {@code clock}. */
  protected QualityRules(Clock clock) {
    this.clock = clock;
  }

  /** Checks the record's value. */
  public static class Value<R extends ConnectRecord<R>> extends QualityRules<R> {
    public Value() {}

    Value(Clock clock) {
      super(clock);
    }

    @Override
    protected Object checked(R record) {
      return record.value();
    }

    @Override
    protected boolean isKey() {
      return false;
    }
  }

  /** Checks the record's key. */
  public static class Key<R extends ConnectRecord<R>> extends QualityRules<R> {
    public Key() {}

    Key(Clock clock) {
      super(clock);
    }

    @Override
    protected Object checked(R record) {
      return record.key();
    }

    @Override
    protected boolean isKey() {
      return true;
    }
  }

  protected abstract Object checked(R record);

  protected abstract boolean isKey();

  @Override
  public void configure(Map<String, ?> props) {
    QualityRulesConfig config = new QualityRulesConfig(props, clock);
    close(); // a reconfigured instance must not leave its old MBeans behind
    rules = config.rules();
    ruleArray = rules.toArray(Rule[]::new);
    onNull = config.onNull();
    tagHeader = config.tagHeader();
    metrics = new QualityMetrics(rules.stream().map(Rule::name).toList());
    counters = rules.stream().map(r -> metrics.rule(r.name()))
        .toArray(RuleCounters[]::new);
    dropLogged = new boolean[ruleArray.length];
    metrics.register(isKey());
    LOG.info("Quality rules on the record {}: {}; null records: {}", isKey() ? "key" : "value",
        rules.stream().map(r -> r.describe() + " -> " + r.action().configName()).toList(),
        onNull.name().toLowerCase(java.util.Locale.ROOT));
  }

  @Override
  public R apply(R record) {
    metrics.record();
    Object checked = checked(record);
    if (checked == null) {
      metrics.nullRecord();
      return switch (onNull) {
        case PASS -> record;
        case DROP -> {
          metrics.dropped();
          yield null;
        }
        case FAIL -> {
          metrics.failed();
          throw new DataException("Quality check failed for " + where(record) + ": the record's "
              + (isKey() ? "key" : "value") + " is null (on.null=fail)");
        }
      };
    }
    // Most records pass: no allocation until a rule is violated.
    String[] reasons = null;
    Action strongest = null;
    for (int i = 0; i < ruleArray.length; i++) {
      String reason = ruleArray[i].check().violation(checked);
      if (reason != null) {
        counters[i].violated();
        if (reasons == null) {
          reasons = new String[ruleArray.length];
        }
        reasons[i] = reason;
        Action action = ruleArray[i].action();
        if (strongest == null || action.compareTo(strongest) > 0) {
          strongest = action;
        }
      }
    }
    if (reasons == null) {
      metrics.passed();
      return record;
    }
    return switch (strongest) {
      case FAIL -> throw fail(record, reasons);
      case DROP -> drop(record, reasons);
      case TAG -> tag(record, reasons);
    };
  }

  private DataException fail(R record, String[] reasons) {
    List<String> failing = new ArrayList<>(2);
    for (int i = 0; i < ruleArray.length; i++) {
      if (reasons[i] != null && ruleArray[i].action() == Action.FAIL) {
        counters[i].failed();
        failing.add("rule " + ruleArray[i].describe() + ": " + reasons[i]);
      }
    }
    metrics.failed();
    return new DataException("Quality check failed for " + where(record) + ": "
        + String.join("; ", failing));
  }

  private R drop(R record, String[] reasons) {
    for (int i = 0; i < ruleArray.length; i++) {
      if (reasons[i] != null && ruleArray[i].action() == Action.DROP) {
        counters[i].dropped();
        if (!dropLogged[i]) { // the first drop per rule is worth a line; all are counted
          dropLogged[i] = true;
          LOG.info("Quality rule {} drops records, first {}: {} (further drops are counted in"
              + " JMX, logged at DEBUG)", ruleArray[i].describe(), where(record), reasons[i]);
        } else if (LOG.isDebugEnabled()) {
          LOG.debug("Quality rule {} dropped {}: {}", ruleArray[i].describe(), where(record),
              reasons[i]);
        }
      }
    }
    metrics.dropped();
    return null;
  }

  private R tag(R record, String[] reasons) {
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < ruleArray.length; i++) {
      if (reasons[i] != null) {
        counters[i].tagged();
        names.append(names.length() == 0 ? "" : ",").append(ruleArray[i].name());
      }
    }
    metrics.tagged();
    Headers headers = record.headers().duplicate();
    // One header, also behind a chain of quality transforms: add to what an earlier one tagged.
    org.apache.kafka.connect.header.Header earlier = headers.lastWithName(tagHeader);
    if (earlier != null && earlier.value() != null) {
      names.insert(0, earlier.value() + ",");
      headers.remove(tagHeader);
    }
    headers.addString(tagHeader, names.toString());
    return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(),
        record.key(), record.valueSchema(), record.value(), record.timestamp(), headers);
  }

  private static String where(ConnectRecord<?> record) {
    String at = record.topic() + "-" + record.kafkaPartition();
    return record instanceof SinkRecord sink ? at + "@" + sink.kafkaOffset() : at;
  }

  /** The rules in configuration order. */
  public List<Rule> rules() {
    return rules;
  }

  /** This instance's counters (null before configure). */
  public QualityMetrics metrics() {
    return metrics;
  }

  @Override
  public ConfigDef config() {
    return QualityRulesConfig.CONFIG_DEF;
  }

  @Override
  public void close() {
    if (metrics != null) {
      metrics.unregister();
    }
  }

  @Override
  public String version() {
    String v = QualityRules.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
