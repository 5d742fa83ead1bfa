package io.github.deltaconnect.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachingSchemaRegistryTest {
  private static final Duration TTL = Duration.ofMinutes(5);
  private static final Duration NEGATIVE_TTL = Duration.ofSeconds(10);

  private final AtomicLong clock = new AtomicLong(Long.MAX_VALUE - 1_000); // nanoTime may wrap
  private final Counting registry = new Counting();

  private CachingSchemaRegistry cache(int size) {
    return new CachingSchemaRegistry(registry, size, TTL, NEGATIVE_TTL, clock::get);
  }

  private void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  @Test
  void byIdIsServedFromTheCacheUntilTheTtlExpires() {
    CachingSchemaRegistry cache = cache(10);

    RegisteredSchema first = cache.byId(1);
    advance(TTL.minusSeconds(1));
    assertSame(first, cache.byId(1));
    assertEquals(1, registry.calls("byId 1"));

    advance(Duration.ofSeconds(1));
    cache.byId(1);
    assertEquals(2, registry.calls("byId 1"));
    assertEquals(1, cache.hits());
    assertEquals(2, cache.misses());
  }

  @Test
  void theLeastRecentlyUsedEntryIsEvictedWhenFull() {
    CachingSchemaRegistry cache = cache(2);

    cache.byId(1);
    cache.byId(2);
    cache.byId(1); // 1 is now the most recently used
    cache.byId(3); // evicts 2
    cache.byId(1);
    cache.byId(2);

    assertEquals(1, registry.calls("byId 1"));
    assertEquals(2, registry.calls("byId 2"));
    assertEquals(1, registry.calls("byId 3"));
  }

  @Test
  void unregisteredSchemasAreCachedForTheShorterNegativeTtl() {
    CachingSchemaRegistry cache = cache(10);

    for (int i = 0; i < 100; i++) {
      assertEquals(Optional.empty(), cache.lookup("s", "unregistered"));
    }
    assertEquals(1, registry.calls("lookup s unregistered"));

    advance(NEGATIVE_TTL);
    cache.lookup("s", "unregistered");
    assertEquals(2, registry.calls("lookup s unregistered"));
  }

  @Test
  void registeredLookupsLiveForTheFullTtl() {
    CachingSchemaRegistry cache = cache(10);

    assertTrue(cache.lookup("s", "registered").isPresent());
    advance(NEGATIVE_TTL.multipliedBy(3));
    cache.lookup("s", "registered");
    assertEquals(1, registry.calls("lookup s registered"));

    advance(TTL);
    cache.lookup("s", "registered");
    assertEquals(2, registry.calls("lookup s registered"));
  }

  @Test
  void numberedVersionsNeverExpireButLatestDoes() {
    CachingSchemaRegistry cache = cache(10);

    cache.version("s", "1");
    cache.version("s", "latest");
    advance(TTL.multipliedBy(100));
    cache.version("s", "1");
    cache.version("s", "latest");

    assertEquals(1, registry.calls("version s 1"));
    assertEquals(2, registry.calls("version s latest"));
  }

  @Test
  void compatibilityIsCachedForTheTtl() {
    CachingSchemaRegistry cache = cache(10);

    assertEquals("BACKWARD", cache.compatibility("s"));
    assertEquals("BACKWARD", cache.compatibility("s"));
    advance(TTL);
    cache.compatibility("s");

    assertEquals(2, registry.calls("compatibility s"));
  }

  @Test
  void notFoundByIdAndOutagesAreNeverCached() {
    CachingSchemaRegistry cache = cache(10);

    assertThrows(SchemaNotFoundException.class, () -> cache.byId(404));
    assertThrows(SchemaNotFoundException.class, () -> cache.byId(404));
    assertThrows(RegistryUnavailableException.class, () -> cache.lookup("down", "x"));
    assertThrows(RegistryUnavailableException.class, () -> cache.lookup("down", "x"));

    assertEquals(2, registry.calls("byId 404"));
    assertEquals(2, registry.calls("lookup down x"));
  }

  @Test
  void latencyIsMeasuredAroundDelegateCallsOnly() {
    registry.onCall = () -> advance(Duration.ofMillis(7));
    CachingSchemaRegistry cache = cache(10);

    cache.byId(1);
    cache.byId(1); // hit: no delegate call
    cache.versions("s"); // never cached

    assertEquals(Duration.ofMillis(7).toNanos(), cache.lastLatencyNanos());
    assertEquals(Duration.ofMillis(14).toNanos(), cache.totalLatencyNanos());
    assertEquals(2, cache.requests());
    assertEquals(1, cache.hits());
    assertEquals(1, cache.misses());
  }

  @Test
  void concurrentTaskThreadsShareTheCacheSafely() throws Exception {
    CachingSchemaRegistry cache =
        new CachingSchemaRegistry(registry, 16, TTL, NEGATIVE_TTL);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int seed = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 5_000; i++) {
            int id = (i * 31 + seed) % 32; // more ids than entries: constant eviction
            assertEquals(id, cache.byId(id).id());
            cache.lookup("s", (i % 3 == 0) ? "unregistered" : "registered");
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(8 * 5_000 * 2, cache.hits() + cache.misses());
  }

  /** A fake registry that counts calls per argument list. */
  private static final class Counting implements SchemaRegistry {
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    volatile Runnable onCall = () -> {};

    int calls(String key) {
      AtomicInteger n = calls.get(key);
      return n == null ? 0 : n.get();
    }

    private void count(String key) {
      calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      onCall.run();
    }

    @Override
    public RegisteredSchema byId(int id) {
      count("byId " + id);
      if (id == 404) {
        throw new SchemaNotFoundException("Schema 404 not found", 404, 40403);
      }
      return RegisteredSchema.avro(id, null, 0, "\"string\"");
    }

    @Override
    public RegisteredSchema version(String subject, String version) {
      count("version " + subject + " " + version);
      return RegisteredSchema.avro(1, subject, 1, "\"string\"");
    }

    @Override
    public Optional<RegisteredSchema> lookup(String subject, String schema) {
      count("lookup " + subject + " " + schema);
      if (subject.equals("down")) {
        throw new RegistryUnavailableException("down", 503, null);
      }
      return schema.equals("registered")
          ? Optional.of(RegisteredSchema.avro(1, subject, 1, schema))
          : Optional.empty();
    }

    @Override
    public List<Integer> versions(String subject) {
      count("versions " + subject);
      return List.of(1);
    }

    @Override
    public String compatibility(String subject) {
      count("compatibility " + subject);
      return "BACKWARD";
    }

    @Override
    public void close() {}
  }
}
