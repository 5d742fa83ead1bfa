package io.github.deltaconnect.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.registry.testing.ApicurioRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client against a real Confluent-compatible registry: Apicurio Registry 3.3.3's ccompat API.
 *
 * <p>Where Apicurio differs from Confluent's registry (the client tolerates both):
 *
 * <ul>
 *   <li>{@code GET /config/{subject}} answers the global level when the subject has none of its own
 *       (Confluent: 40408 unless defaultToGlobal=true), and 40401 when the subject has no versions.
 *   <li>A lookup matches on canonical content, so a schema differing only in {@code doc} finds the
 *       registered one (Confluent compares the schema text as parsed, doc included).
 *   <li>{@code metadata} and {@code ruleSet} are accepted on registration and silently dropped: no
 *       data contracts come back.
 *   <li>An invalid version such as {@code abc} is 40402 (Confluent: 422/42202); the client rejects
 *       it before asking.
 *   <li>Ids are content ids: not dense (failed registrations consume some), shared across subjects.
 * </ul>
 */
class HttpSchemaRegistryIT {
  private static final String SUBJECT = "it.orders-value";
  private static final String V1 =
      "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"com.example\","
          + "\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";
  // Adds an optional field with a default: BACKWARD-compatible with V1.
  private static final String V2 =
      "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"com.example\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"long\"},"
          + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
  // Adds a required field without a default: a V3 reader cannot read V2 data, so BACKWARD refuses it.
  private static final String V3 =
      "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"com.example\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"long\"},"
          + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null},"
          + "{\"name\":\"qty\",\"type\":\"int\"}]}";
  private static final String UNREGISTERED =
      "{\"type\":\"record\",\"name\":\"Refund\",\"namespace\":\"com.example\","
          + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";

  private static ApicurioRegistry apicurio;
  private static HttpSchemaRegistry registry;
  private static int v1Id;
  private static int v2Id;

  @BeforeAll
  static void startRegistry() {
    apicurio = new ApicurioRegistry().start();
    v1Id = apicurio.register(SUBJECT, V1);
    v2Id = apicurio.register(SUBJECT, V2);
    registry =
        new HttpSchemaRegistry(
            RegistrySettings.defaults(List.of(URI.create(apicurio.ccompatUrl())))
                .withRetries(1, Duration.ofMillis(50), Duration.ofMillis(100)));
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
    if (apicurio != null) {
      apicurio.close();
    }
  }

  private static Schema avro(String json) {
    return new Schema.Parser().parse(json);
  }

  @Test
  void byIdReturnsTheRegisteredSchema() {
    RegisteredSchema v1 = registry.byId(v1Id);
    RegisteredSchema v2 = registry.byId(v2Id);

    assertNotEquals(v1Id, v2Id);
    assertEquals(avro(V1), avro(v1.schema()));
    assertEquals(avro(V2), avro(v2.schema()));
    assertEquals(v1Id, v1.id());
    assertEquals("AVRO", v1.schemaType());
    assertNull(v1.subject());
    assertEquals(Optional.empty(), v1.ruleSet());
  }

  @Test
  void versionsAreFetchedByNumberAndAsLatest() {
    RegisteredSchema first = registry.version(SUBJECT, "1");
    RegisteredSchema latest = registry.version(SUBJECT, "latest");

    assertEquals(new Expected(v1Id, SUBJECT, 1), Expected.of(first));
    assertEquals(new Expected(v2Id, SUBJECT, 2), Expected.of(latest));
    assertEquals(avro(V2), avro(latest.schema()));
    assertEquals(List.of(1, 2), registry.versions(SUBJECT));
  }

  @Test
  void lookupFindsARegisteredVersionAndNothingElse() {
    Optional<RegisteredSchema> found = registry.lookup(SUBJECT, V1);

    assertTrue(found.isPresent());
    assertEquals(new Expected(v1Id, SUBJECT, 1), Expected.of(found.get()));
    assertEquals(Optional.empty(), registry.lookup(SUBJECT, UNREGISTERED));
    assertEquals(Optional.empty(), registry.lookup("it.no-such-subject", V1));
  }

  @Test
  void unknownIdsVersionsAndSubjectsAreNotFound() {
    assertEquals(40403, assertThrows(SchemaNotFoundException.class, () -> registry.byId(987_654)).errorCode());
    assertEquals(40402,
        assertThrows(SchemaNotFoundException.class, () -> registry.version(SUBJECT, "99")).errorCode());
    assertEquals(40401,
        assertThrows(SchemaNotFoundException.class, () -> registry.version("it.no-such-subject", "latest"))
            .errorCode());
    assertEquals(List.of(), registry.versions("it.no-such-subject"));
  }

  @Test
  void anIncompatibleSchemaIsRefusedUnderBackward() {
    ApicurioRegistry.RequestFailed refused =
        assertThrows(ApicurioRegistry.RequestFailed.class, () -> apicurio.register(SUBJECT, V3));

    assertEquals(409, refused.status());
    assertEquals(List.of(1, 2), registry.versions(SUBJECT));
  }

  @Test
  void compatibilityIsTheSubjectLevelElseTheGlobalOne() {
    String subject = "it.compat-value";
    apicurio.register(subject, V1);
    assertEquals("BACKWARD", registry.compatibility(subject));

    apicurio.setCompatibility(subject, "FULL_TRANSITIVE");
    apicurio.setGlobalCompatibility("NONE");
    try {
      assertEquals("FULL_TRANSITIVE", registry.compatibility(subject));
      assertEquals("NONE", registry.compatibility(SUBJECT));
      assertEquals("NONE", registry.compatibility("it.never-registered")); // 40401, then /config
    } finally {
      apicurio.setGlobalCompatibility("BACKWARD");
    }
    assertEquals("BACKWARD", registry.compatibility(SUBJECT));
  }

  @Test
  void subjectsWithSlashesAndSpacesRoundTrip() {
    String subject = "team/it orders.value";
    int id = apicurio.register(subject, V1);

    assertEquals(id, registry.version(subject, "latest").id());
    assertEquals(subject, registry.version(subject, "latest").subject());
    assertTrue(registry.lookup(subject, V1).isPresent());
  }

  @Test
  void theCacheSitsOnTheRealClient() {
    CachingSchemaRegistry cache =
        new CachingSchemaRegistry(registry, 100, Duration.ofMinutes(5), Duration.ofSeconds(5));

    cache.byId(v1Id);
    cache.byId(v1Id);
    cache.lookup(SUBJECT, UNREGISTERED);
    cache.lookup(SUBJECT, UNREGISTERED);

    assertEquals(2, cache.hits());
    assertEquals(2, cache.misses());
    assertTrue(cache.totalLatencyNanos() > 0);
  }

  /** The identifying part of a RegisteredSchema, whose schema text the registry may reformat. */
  private record Expected(int id, String subject, int version) {
    static Expected of(RegisteredSchema s) {
      return new Expected(s.id(), s.subject(), s.version());
    }
  }
}
