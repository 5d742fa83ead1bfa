package io.github.deltaconnect.quality.metrics;

import io.github.deltaconnect.common.Jmx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import javax.management.ObjectName;

/**
 * Counters of one quality transform instance over JMX:
 * {@code io.github.deltaconnect:type=quality-rules,connector="<name>",task=<n>,role=<key|value>,
 * instance=<n>} for the totals and the same name with {@code ,rule=<name>} per rule. The connector
 * and task come from the logging context Connect builds the transform in (absent outside Connect);
 * the instance number tells apart two quality transforms in one chain.
 */
public final class QualityMetrics implements QualityMetricsMBean {

  private final LongAdder records = new LongAdder();
  private final LongAdder passed = new LongAdder();
  private final LongAdder tagged = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder nullRecords = new LongAdder();
  private final Map<String, RuleCounters> rules = new LinkedHashMap<>();
  private final List<ObjectName> names = new ArrayList<>();

  public QualityMetrics(List<String> ruleNames) {
    for (String rule : ruleNames) {
      rules.put(rule, new RuleCounters(() -> records.sum() - nullRecords.sum()));
    }
  }

  public RuleCounters rule(String name) {
    return rules.get(name);
  }

  public void record() {
    records.increment();
  }

  public void passed() {
    passed.increment();
  }

  public void tagged() {
    tagged.increment();
  }

  public void dropped() {
    dropped.increment();
  }

  public void failed() {
    failed.increment();
  }

  public void nullRecord() {
    nullRecords.increment();
  }

  public void register(boolean isKey) {
    String prefix = "io.github.deltaconnect:type=quality-rules" + Jmx.taskProperties() + ",role="
        + (isKey ? "key" : "value");
    ObjectName total = Jmx.registerNumbered(this, prefix, "");
    if (total == null) {
      return;
    }
    names.add(total);
    String instance = total.getKeyProperty("instance");
    for (Map.Entry<String, RuleCounters> e : rules.entrySet()) {
      try {
        ObjectName name = new ObjectName(prefix + ",instance=" + instance + ",rule="
            + e.getKey()); // names are [A-Za-z0-9_-], safe unquoted
        java.lang.management.ManagementFactory.getPlatformMBeanServer()
            .registerMBean(e.getValue(), name);
        names.add(name);
      } catch (Exception ex) {
        org.slf4j.LoggerFactory.getLogger(QualityMetrics.class)
            .warn("Could not register the JMX counters of rule '{}': {}", e.getKey(), ex.toString());
      }
    }
  }

  /** The registered names (totals first), empty before {@link #register}. */
  public List<ObjectName> names() {
    return List.copyOf(names);
  }

  public void unregister() {
    names.forEach(Jmx::unregisterQuietly);
    names.clear();
  }

  @Override
  public long getRecords() {
    return records.sum();
  }

  @Override
  public long getPassed() {
    return passed.sum();
  }

  @Override
  public long getTagged() {
    return tagged.sum();
  }

  @Override
  public long getDropped() {
    return dropped.sum();
  }

  @Override
  public long getFailed() {
    return failed.sum();
  }

  @Override
  public long getNullRecords() {
    return nullRecords.sum();
  }
}
