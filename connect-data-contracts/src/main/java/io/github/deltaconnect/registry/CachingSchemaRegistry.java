package io.github.deltaconnect.registry;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Caches another {@link SchemaRegistry} so a converter asks the registry once per schema, not once
 * per record.
 *
 * <ul>
 *   <li>{@code byId}, {@code version(s, "latest")}, {@code compatibility}, {@code lookup} hits: kept
 *       for {@code ttl}. Ids never change meaning in a registry, but the TTL still bounds how long a
 *       deleted or re-pointed registry is believed.
 *   <li>{@code lookup} misses (schema not under the subject): kept for {@code negativeTtl}, usually
 *       shorter, so a stream of unregistered records does not hammer the registry yet a schema
 *       registered later is seen soon.
 *   <li>numbered versions: kept until evicted; a subject's version N does not change.
 *   <li>{@code versions(subject)} is not cached (diagnostics only). Exceptions are never cached.
 * </ul>
 *
 * <p>Each cache is an LRU of {@code maxEntries}. Thread-safe: Connect may run converters on several
 * task threads. Loads run outside the lock, so two threads missing together may both ask.
 */
public final class CachingSchemaRegistry implements SchemaRegistry {
  private static final String LATEST = "latest";

  private final SchemaRegistry delegate;
  private final LongSupplier nanoTime;
  private final long ttlNanos;
  private final long negativeTtlNanos;

  private final Lru<Integer, RegisteredSchema> byId;
  private final Lru<SubjectVersion, RegisteredSchema> versions;
  private final Lru<String, RegisteredSchema> latest;
  private final Lru<SubjectSchema, Optional<RegisteredSchema>> lookups;
  private final Lru<String, String> compatibility;

  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong lastLatencyNanos = new AtomicLong();
  private final AtomicLong totalLatencyNanos = new AtomicLong();

  public CachingSchemaRegistry(
      SchemaRegistry delegate, int maxEntries, Duration ttl, Duration negativeTtl) {
    this(delegate, maxEntries, ttl, negativeTtl, System::nanoTime);
  }

  /** {@code nanoTime} is the clock for both TTLs and latencies; tests pass a manual one. */
  public CachingSchemaRegistry(
      SchemaRegistry delegate,
      int maxEntries,
      Duration ttl,
      Duration negativeTtl,
      LongSupplier nanoTime) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1, was " + maxEntries);
    }
    this.ttlNanos = nanos(ttl, "ttl");
    this.negativeTtlNanos = nanos(negativeTtl, "negativeTtl");
    this.byId = new Lru<>(maxEntries);
    this.versions = new Lru<>(maxEntries);
    this.latest = new Lru<>(maxEntries);
    this.lookups = new Lru<>(maxEntries);
    this.compatibility = new Lru<>(maxEntries);
  }

  @Override
  public RegisteredSchema byId(int id) {
    return cached(byId, id, () -> delegate.byId(id), ttlNanos);
  }

  @Override
  public RegisteredSchema version(String subject, String version) {
    String v = version == null ? "" : version.trim();
    if (v.equalsIgnoreCase(LATEST)) {
      return cached(latest, subject, () -> delegate.version(subject, LATEST), ttlNanos);
    }
    int number;
    try {
      number = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return timed(() -> delegate.version(subject, version)); // let the delegate reject it
    }
    return cached(
        versions,
        new SubjectVersion(subject, number),
        () -> delegate.version(subject, version),
        Long.MAX_VALUE);
  }

  @Override
  public Optional<RegisteredSchema> lookup(String subject, String schema) {
    SubjectSchema key = new SubjectSchema(subject, schema);
    long now = nanoTime.getAsLong();
    Optional<RegisteredSchema> found = lookups.get(key, now);
    if (found != null) {
      hits.incrementAndGet();
      return found;
    }
    misses.incrementAndGet();
    Optional<RegisteredSchema> loaded = timed(() -> delegate.lookup(subject, schema));
    lookups.put(key, loaded, nanoTime.getAsLong(), loaded.isPresent() ? ttlNanos : negativeTtlNanos);
    return loaded;
  }

  @Override
  public List<Integer> versions(String subject) {
    return timed(() -> delegate.versions(subject));
  }

  @Override
  public String compatibility(String subject) {
    return cached(compatibility, subject, () -> delegate.compatibility(subject), ttlNanos);
  }

  /** Answers served from the caches. */
  public long hits() {
    return hits.get();
  }

  /** Answers that had to ask the delegate. */
  public long misses() {
    return misses.get();
  }

  /** Calls made to the delegate, including uncached ones and failed ones. */
  public long requests() {
    return requests.get();
  }

  /** Duration of the latest delegate call (successful or not), in nanoseconds. */
  public long lastLatencyNanos() {
    return lastLatencyNanos.get();
  }

  /** Sum of all delegate call durations, in nanoseconds. */
  public long totalLatencyNanos() {
    return totalLatencyNanos.get();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "CachingSchemaRegistry[" + delegate + ", hits=" + hits + ", misses=" + misses + "]";
  }

  private <K, V> V cached(Lru<K, V> cache, K key, Supplier<V> load, long ttl) {
    V value = cache.get(key, nanoTime.getAsLong());
    if (value != null) {
      hits.incrementAndGet();
      return value;
    }
    misses.incrementAndGet();
    V loaded = timed(load);
    cache.put(key, loaded, nanoTime.getAsLong(), ttl);
    return loaded;
  }

  private <V> V timed(Supplier<V> call) {
    long start = nanoTime.getAsLong();
    try {
      return call.get();
    } finally {
      long elapsed = nanoTime.getAsLong() - start;
      requests.incrementAndGet();
      lastLatencyNanos.set(elapsed);
      totalLatencyNanos.addAndGet(elapsed);
    }
  }

  private static long nanos(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + d);
    }
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE; // "forever"
    }
  }

  private record SubjectVersion(String subject, int version) {}

  private record SubjectSchema(String subject, String schema) {}

  /** Access-ordered LinkedHashMap under one lock; entries expire {@code ttl} nanos after storing. */
  private static final class Lru<K, V> {
    private record Entry<V>(V value, long storedAt, long ttl) {}

    private final Map<K, Entry<V>> map;

    Lru(int maxEntries) {
      this.map =
          new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            // Qualified: in this Map subclass JDK 25's javac resolves a bare Entry to Map.Entry.
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Lru.Entry<V>> eldest) {
              return size() > maxEntries;
            }
          };
    }

    synchronized V get(K key, long now) {
      Entry<V> entry = map.get(key);
      if (entry == null) {
        return null;
      }
      // Subtraction, not comparison of instants: nanoTime values may wrap.
      if (entry.ttl() != Long.MAX_VALUE && now - entry.storedAt() >= entry.ttl()) {
        map.remove(key);
        return null;
      }
      return entry.value();
    }

    synchronized void put(K key, V value, long now, long ttl) {
      if (ttl > 0) {
        map.put(key, new Entry<>(value, now, ttl));
      }
    }
  }
}
