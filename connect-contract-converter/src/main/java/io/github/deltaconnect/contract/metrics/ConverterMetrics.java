package io.github.deltaconnect.contract.metrics;

import io.github.deltaconnect.common.Jmx;
import io.github.deltaconnect.contract.errors.Reason;
import io.github.deltaconnect.registry.CachingSchemaRegistry;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import javax.management.ObjectName;

/**
 * Counters of one converter instance, exposed over JMX as
 * {@code io.github.deltaconnect:type=contract-converter,connector="<name>",task=<n>,
 * role=<key|value>,instance=<n>}: connector and task from the logging context Connect creates the
 * converter in (absent outside Connect, where the instance number alone tells them apart).
 */
public final class ConverterMetrics implements ConverterMetricsMBean {
  private final LongAdder accepted = new LongAdder();
  private final AtomicLongArray rejected = new AtomicLongArray(Reason.values().length);
  private final LongAdder schemaIds = new LongAdder();
  private final LongAdder ruleFailuresPassed = new LongAdder();
  private final Optional<CachingSchemaRegistry> registry;
  private ObjectName name;

  /** {@code registry}: where cache and latency figures come from (none without a registry). */
  public ConverterMetrics(Optional<CachingSchemaRegistry> registry) {
    this.registry = registry;
  }

  public void accepted() {
    accepted.increment();
  }

  public void rejected(Reason reason) {
    rejected.incrementAndGet(reason.ordinal());
  }

  /** A rule with onFailure=NONE failed; the record went through. */
  public void ruleFailurePassed() {
    ruleFailuresPassed.increment();
  }

  @Override
  public long getRuleFailuresPassed() {
    return ruleFailuresPassed.sum();
  }

  public void newSchemaId() {
    schemaIds.increment();
  }

  public void register(boolean isKey) {
    name = Jmx.registerNumbered(this,
        "io.github.deltaconnect:type=contract-converter" + Jmx.taskProperties() + ",role="
            + (isKey ? "key" : "value"), "");
  }

  /** The registered name, or null before registration. */
  ObjectName name() {
    return name;
  }

  public void unregister() {
    Jmx.unregisterQuietly(name);
    name = null;
  }

  @Override
  public long getAcceptedRecords() {
    return accepted.sum();
  }

  @Override
  public long getRejectedRecords() {
    long sum = 0;
    for (int i = 0; i < rejected.length(); i++) {
      sum += rejected.get(i);
    }
    return sum;
  }

  @Override
  public long getRejectedNotWireFormat() {
    return rejected.get(Reason.NOT_WIRE_FORMAT.ordinal());
  }

  @Override
  public long getRejectedUnknownSchemaId() {
    return rejected.get(Reason.UNKNOWN_SCHEMA_ID.ordinal());
  }

  @Override
  public long getRejectedNotRegistered() {
    return rejected.get(Reason.NOT_REGISTERED.ordinal());
  }

  @Override
  public long getRejectedIncompatible() {
    return rejected.get(Reason.INCOMPATIBLE.ordinal());
  }

  @Override
  public long getRejectedUnsupportedSchema() {
    return rejected.get(Reason.UNSUPPORTED_SCHEMA.ordinal());
  }

  @Override
  public long getRejectedCorrupt() {
    return rejected.get(Reason.CORRUPT.ordinal());
  }

  @Override
  public long getRejectedRuleFailed() {
    return rejected.get(Reason.RULE_FAILED.ordinal());
  }

  @Override
  public long getSchemaIdsSeen() {
    return schemaIds.sum();
  }

  @Override
  public long getRegistryCacheHits() {
    return registry.map(CachingSchemaRegistry::hits).orElse(0L);
  }

  @Override
  public long getRegistryCacheMisses() {
    return registry.map(CachingSchemaRegistry::misses).orElse(0L);
  }

  @Override
  public double getRegistryCacheHitRate() {
    long hits = getRegistryCacheHits();
    long total = hits + getRegistryCacheMisses();
    return total == 0 ? 1.0 : (double) hits / total;
  }

  @Override
  public long getRegistryRequests() {
    return registry.map(CachingSchemaRegistry::requests).orElse(0L);
  }

  @Override
  public double getRegistryLatencyAvgMs() {
    long requests = getRegistryRequests();
    return requests == 0 ? 0
        : registry.get().totalLatencyNanos() / 1e6 / requests;
  }

  @Override
  public double getRegistryLatencyLastMs() {
    return registry.map(r -> r.lastLatencyNanos() / 1e6).orElse(0.0);
  }
}
