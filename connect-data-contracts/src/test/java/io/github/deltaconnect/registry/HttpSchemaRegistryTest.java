package io.github.deltaconnect.registry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.registry.StubServer.Reply;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpSchemaRegistryTest {
  private static final String SCHEMA =
      "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";
  private static final String SCHEMA_JSON_STRING = "\"" + SCHEMA.replace("\"", "\\\"") + "\"";
  private static final String BY_ID = "{\"schema\":" + SCHEMA_JSON_STRING + "}";

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private StubServer server(java.util.function.Function<StubServer.Seen, Reply> responder)
      throws Exception {
    StubServer server = new StubServer(responder);
    closeables.add(server);
    return server;
  }

  private HttpSchemaRegistry registry(RegistrySettings settings) {
    HttpSchemaRegistry registry = new HttpSchemaRegistry(settings);
    closeables.add(registry);
    return registry;
  }

  /** Short timeouts and millisecond backoff so failure paths run fast. */
  private static RegistrySettings fast(int retries, URI... urls) {
    return RegistrySettings.defaults(List.of(urls))
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2))
        .withRetries(retries, Duration.ofMillis(1), Duration.ofMillis(5));
  }

  @Test
  void aDeadFirstUrlFailsOverToTheNextOne() throws Exception {
    StubServer live = server(r -> Reply.json(BY_ID));
    HttpSchemaRegistry registry = registry(fast(0, StubServer.deadUrl(), live.url()));

    RegisteredSchema schema = registry.byId(7);

    assertEquals(7, schema.id());
    assertEquals(SCHEMA, schema.schema());
    assertEquals(live.url(), registry.preferredUrl());
  }

  @Test
  void theUrlThatLastAnsweredIsTriedFirstOnTheNextCall() throws Exception {
    StubServer broken = server(r -> Reply.error(503, 50003, "store down"));
    StubServer live = server(r -> Reply.json(BY_ID));
    HttpSchemaRegistry registry = registry(fast(0, broken.url(), live.url()));

    registry.byId(1);
    registry.byId(2);
    registry.byId(3);

    assertEquals(1, broken.requests().size());
    assertEquals(3, live.requests().size());
  }

  @Test
  void aUrlThatTimesOutFailsOverToTheNextOne() throws Exception {
    StubServer hanging = server(r -> Reply.hang());
    StubServer live = server(r -> Reply.json(BY_ID));
    RegistrySettings settings =
        fast(0, hanging.url(), live.url()).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1));
    HttpSchemaRegistry registry = registry(settings);

    assertEquals(SCHEMA, registry.byId(1).schema());
    assertEquals(1, hanging.requests().size());
  }

  @Test
  void a503IsRetriedWithBackoffUntilTheRegistryAnswers() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    StubServer flaky =
        server(r -> calls.incrementAndGet() <= 2 ? Reply.error(503, 50002, "busy") : Reply.json(BY_ID));
    HttpSchemaRegistry registry = registry(fast(5, flaky.url()));

    assertEquals(SCHEMA, registry.byId(1).schema());
    assertEquals(3, flaky.requests().size());
  }

  @Test
  void a429IsRetriedLikeAnOutage() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    StubServer limited =
        server(r -> calls.incrementAndGet() == 1 ? new Reply(429, "slow down") : Reply.json(BY_ID));
    HttpSchemaRegistry registry = registry(fast(1, limited.url()));

    assertEquals(SCHEMA, registry.byId(1).schema());
    assertEquals(2, limited.requests().size());
  }

  @Test
  void givingUpAfterMaxRetriesThrowsUnavailableNamingTheUrlsAndTheLastError() throws Exception {
    StubServer a = server(r -> Reply.error(503, 50003, "store down"));
    StubServer b = server(r -> Reply.error(500, 50001, "boom"));
    HttpSchemaRegistry registry = registry(fast(2, a.url(), b.url()).withBasicAuth("bob:s3cret"));

    RegistryUnavailableException e =
        assertThrows(RegistryUnavailableException.class, () -> registry.byId(1));

    assertEquals(3, a.requests().size(), "1 round + 2 retries");
    assertEquals(3, b.requests().size());
    assertTrue(e.getMessage().contains(a.url().toString()), e.getMessage());
    assertTrue(e.getMessage().contains(b.url().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("HTTP 500") && e.getMessage().contains("boom"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    assertEquals(500, e.httpStatus());
  }

  @Test
  void onlyDeadUrlsThrowUnavailableWithTheConnectionError() throws Exception {
    HttpSchemaRegistry registry = registry(fast(1, StubServer.deadUrl()));

    RegistryUnavailableException e =
        assertThrows(RegistryUnavailableException.class, () -> registry.versions("s"));

    assertEquals(RegistryException.NONE, e.httpStatus());
    assertTrue(e.getMessage().contains("ConnectException"), e.getMessage());
  }

  @Test
  void a401IsNotRetriedAndPointsAtTheCredentials() throws Exception {
    StubServer secured = server(r -> Reply.error(401, 40101, "Unauthorized"));
    HttpSchemaRegistry registry = registry(fast(5, secured.url()).withBasicAuth("bob:s3cret"));

    RegistryException e = assertThrows(RegistryException.class, () -> registry.byId(1));

    assertFalse(e instanceof RegistryUnavailableException);
    assertEquals(401, e.httpStatus());
    assertEquals(40101, e.errorCode());
    assertTrue(e.getMessage().contains("authentication/authorization failed"), e.getMessage());
    assertTrue(e.getMessage().contains("basic.auth.user.info"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    assertEquals(1, secured.requests().size());
  }

  @Test
  void a403IsAnAuthorizationFailureToo() throws Exception {
    StubServer secured = server(r -> new Reply(403, ""));
    HttpSchemaRegistry registry = registry(fast(5, secured.url()));

    RegistryException e = assertThrows(RegistryException.class, () -> registry.compatibility("s"));

    assertEquals(403, e.httpStatus());
    assertTrue(e.getMessage().contains("authentication/authorization failed"), e.getMessage());
    assertEquals(1, secured.requests().size());
  }

  @Test
  void basicAuthAndContentNegotiationHeadersAreSent() throws Exception {
    StubServer server =
        server(r -> Reply.json("{\"subject\":\"s\",\"id\":3,\"version\":1,\"schema\":" + SCHEMA_JSON_STRING + "}"));
    HttpSchemaRegistry registry = registry(fast(0, server.url()).withBasicAuth("bob:s3cret"));

    registry.byId(3);
    registry.lookup("s", SCHEMA);

    String expected = "Basic " + Base64.getEncoder().encodeToString("bob:s3cret".getBytes(UTF_8));
    StubServer.Seen get = server.requests().get(0);
    StubServer.Seen post = server.requests().get(1);
    assertEquals(expected, get.header("Authorization"));
    assertEquals(expected, post.header("Authorization"));
    assertEquals(HttpSchemaRegistry.ACCEPT, get.header("Accept"));
    assertEquals("application/vnd.schemaregistry.v1+json", post.header("Content-Type"));
    assertEquals("POST", post.method());
    assertEquals("{\"schema\":" + SCHEMA_JSON_STRING + "}", post.body());
  }

  @Test
  void noAuthorizationHeaderWithoutUserInfo() throws Exception {
    StubServer server = server(r -> Reply.json(BY_ID));
    registry(fast(0, server.url())).byId(1);

    assertEquals(null, server.requests().get(0).header("Authorization"));
  }

  @Test
  void theConfluentErrorBodyIsParsedIntoTheException() throws Exception {
    StubServer server = server(r -> Reply.error(422, 42201, "Invalid schema"));
    HttpSchemaRegistry registry = registry(fast(3, server.url()));

    RegistryException e = assertThrows(RegistryException.class, () -> registry.lookup("s", "{"));

    assertEquals(422, e.httpStatus());
    assertEquals(42201, e.errorCode());
    assertTrue(e.getMessage().contains("Invalid schema"), e.getMessage());
    assertEquals(1, server.requests().size(), "a 4xx is final");
  }

  @Test
  void subjectsAreEncodedAsOnePathSegment() throws Exception {
    StubServer server = server(r -> Reply.json("[1]"));
    HttpSchemaRegistry registry = registry(fast(0, server.url()));

    registry.versions("team/a b+c.value");

    assertEquals("/subjects/team%2Fa%20b%2Bc.value/versions", server.requests().get(0).rawPath());
  }

  @Test
  void aBaseUrlWithAPathAndATrailingSlashIsKept() throws Exception {
    StubServer server = server(r -> Reply.json(BY_ID));
    URI base = URI.create(server.url() + "/apis/ccompat/v7/");
    registry(fast(0, base)).byId(12);

    assertEquals("/apis/ccompat/v7/schemas/ids/12", server.requests().get(0).rawPath());
  }

  @Test
  void anUnknownIdIsSchemaNotFound() throws Exception {
    StubServer server = server(r -> Reply.error(404, 40403, "Schema 9 not found"));
    HttpSchemaRegistry registry = registry(fast(3, server.url()));

    SchemaNotFoundException e = assertThrows(SchemaNotFoundException.class, () -> registry.byId(9));

    assertEquals(40403, e.errorCode());
    assertEquals(404, e.httpStatus());
    assertEquals(1, server.requests().size());
  }

  @Test
  void unknownSubjectsAndVersionsAreSchemaNotFound() throws Exception {
    StubServer server =
        server(r -> r.rawPath().contains("nope")
            ? Reply.error(404, 40401, "Subject not found")
            : Reply.error(404, 40402, "Version not found"));
    HttpSchemaRegistry registry = registry(fast(0, server.url()));

    assertEquals(40401,
        assertThrows(SchemaNotFoundException.class, () -> registry.version("nope", "latest")).errorCode());
    assertEquals(40402,
        assertThrows(SchemaNotFoundException.class, () -> registry.version("s", "9")).errorCode());
    assertEquals(List.of(), registry.versions("nope"));
  }

  @Test
  void aBare404IsAConfigurationErrorNotAMissingSchema() throws Exception {
    StubServer server = server(r -> new Reply(404, "<html>Not Found</html>"));
    HttpSchemaRegistry registry = registry(fast(0, server.url()));

    RegistryException e = assertThrows(RegistryException.class, () -> registry.lookup("s", SCHEMA));

    assertFalse(e instanceof SchemaNotFoundException);
    assertTrue(e.getMessage().contains("URL looks wrong"), e.getMessage());
  }

  @Test
  void lookupIsEmptyForAnUnknownSubjectOrAnUnregisteredSchema() throws Exception {
    StubServer server =
        server(r -> r.rawPath().endsWith("/nope")
            ? Reply.error(404, 40401, "Subject not found")
            : Reply.error(404, 40403, "Schema not found"));
    HttpSchemaRegistry registry = registry(fast(0, server.url()));

    assertEquals(Optional.empty(), registry.lookup("nope", SCHEMA));
    assertEquals(Optional.empty(), registry.lookup("s", SCHEMA));
  }

  @Test
  void lookupReturnsIdVersionAndSubject() throws Exception {
    StubServer server =
        server(r -> Reply.json("{\"subject\":\"s\",\"id\":42,\"version\":3,\"schema\":" + SCHEMA_JSON_STRING + "}"));
    Optional<RegisteredSchema> found = registry(fast(0, server.url())).lookup("s", SCHEMA);

    assertEquals(Optional.of(RegisteredSchema.avro(42, "s", 3, SCHEMA)), found);
    assertEquals("/subjects/s", server.requests().get(0).rawPath());
  }

  @Test
  void versionsAreListedAndVersionArgumentsChecked() throws Exception {
    StubServer server =
        server(r -> r.rawPath().endsWith("/versions")
            ? Reply.json("[1,2,5]")
            : Reply.json("{\"subject\":\"s\",\"id\":8,\"version\":5,\"schema\":" + SCHEMA_JSON_STRING + "}"));
    HttpSchemaRegistry registry = registry(fast(0, server.url()));

    assertEquals(List.of(1, 2, 5), registry.versions("s"));
    assertEquals(5, registry.version("s", "latest").version());
    assertEquals(8, registry.version("s", "5").id());
    assertEquals("/subjects/s/versions/latest", server.requests().get(1).rawPath());
    assertEquals("/subjects/s/versions/5", server.requests().get(2).rawPath());
    assertThrows(IllegalArgumentException.class, () -> registry.version("s", "0"));
    assertThrows(IllegalArgumentException.class, () -> registry.version("s", "abc"));
    assertThrows(IllegalArgumentException.class, () -> registry.versions(""));
  }

  @Test
  void contractPartsAndReferencesAreCarriedRaw() throws Exception {
    String body =
        "{\"subject\":\"s\",\"version\":2,\"id\":5,\"schemaType\":\"AVRO\",\"schema\":" + SCHEMA_JSON_STRING
            + ",\"references\":[{\"name\":\"com.example.Money\",\"subject\":\"money\",\"version\":1}]"
            + ",\"metadata\":{\"properties\":{\"owner\":\"team\"}}"
            + ",\"ruleSet\":{\"domainRules\":[{\"name\":\"r\",\"kind\":\"CONDITION\",\"type\":\"CEL\",\"expr\":\"true\"}]}}";
    StubServer server = server(r -> Reply.json(body));

    RegisteredSchema schema = registry(fast(0, server.url())).version("s", "2");

    assertEquals(List.of(new Reference("com.example.Money", "money", 1)), schema.references());
    assertEquals(Optional.of("{\"properties\":{\"owner\":\"team\"}}"), schema.metadata());
    assertEquals(
        Optional.of("{\"domainRules\":[{\"name\":\"r\",\"kind\":\"CONDITION\",\"type\":\"CEL\",\"expr\":\"true\"}]}"),
        schema.ruleSet());
  }

  @Test
  void aSchemaFetchedByIdHasNoSubjectAndDefaultsToAvro() throws Exception {
    StubServer server = server(r -> Reply.json(BY_ID));
    RegisteredSchema schema = registry(fast(0, server.url())).byId(4);

    assertEquals(RegisteredSchema.avro(4, null, 0, SCHEMA), schema);
    assertEquals("AVRO", schema.schemaType());
  }

  @Test
  void compatibilityPrefersTheSubjectLevel() throws Exception {
    StubServer server = server(r -> Reply.json("{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}"));
    assertEquals("FULL_TRANSITIVE", registry(fast(0, server.url())).compatibility("s"));

    StubServer.Seen seen = server.requests().get(0);
    assertEquals("/config/s", seen.rawPath());
    assertEquals("defaultToGlobal=true", seen.rawQuery());
  }

  @Test
  void compatibilityFallsBackToTheGlobalLevelWhenTheSubjectHasNone() throws Exception {
    StubServer server =
        server(r -> r.rawPath().equals("/config")
            ? Reply.json("{\"compatibility\":\"NONE\"}") // some registries name it so
            : Reply.error(404, 40408, "Subject does not have subject-level compatibility configured"));
    HttpSchemaRegistry registry = registry(fast(0, server.url()));

    assertEquals("NONE", registry.compatibility("s"));
    assertEquals(2, server.requests().size());
  }

  @Test
  void interruptionRestoresTheFlagAndThrowsUnavailable() throws Exception {
    StubServer broken = server(r -> Reply.error(503, 50003, "down"));
    HttpSchemaRegistry registry =
        registry(fast(3, broken.url()).withRetries(3, Duration.ofSeconds(5), Duration.ofSeconds(5)));

    Thread.currentThread().interrupt();
    try {
      RegistryUnavailableException e =
          assertThrows(RegistryUnavailableException.class, () -> registry.byId(1));
      assertTrue(Thread.currentThread().isInterrupted());
      assertInstanceOf(InterruptedException.class, e.getCause());
    } finally {
      Thread.interrupted(); // clear it for the next test
    }
  }

  @Test
  void backoffDoublesWithJitterAndIsCapped() {
    HttpSchemaRegistry registry =
        registry(RegistrySettings.defaults(List.of(URI.create("http://127.0.0.1:1")))
            .withRetries(10, Duration.ofMillis(200), Duration.ofSeconds(5)));
    for (int i = 0; i < 50; i++) {
      long first = registry.backoffMillis(1);
      long third = registry.backoffMillis(3);
      long late = registry.backoffMillis(40);
      assertTrue(first >= 100 && first <= 200, "round 1: " + first);
      assertTrue(third >= 400 && third <= 800, "round 3: " + third);
      assertTrue(late >= 2500 && late <= 5000, "capped: " + late);
    }
  }
}
