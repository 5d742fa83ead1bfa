package io.github.deltaconnect.registry;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SchemaRegistry} over the Confluent REST API with the JDK HTTP client.
 *
 * <p>Availability: each call tries the URLs in turn, starting with the last one that answered; a
 * connection failure, timeout, 5xx or 429 moves on to the next URL. When a whole round fails, it
 * pauses (exponential backoff with jitter) and starts another, up to {@code maxRetries} extra
 * rounds, then throws {@link RegistryUnavailableException}. Any other answer is final: 2xx is the
 * result, 404 with a 404xx error code is {@link SchemaNotFoundException}, the rest is {@link
 * RegistryException} at once, because retrying a refused request cannot help.
 *
 * <p>Tolerates Confluent and Apicurio's ccompat API alike; see {@link #compatibility(String)}.
 */
public final class HttpSchemaRegistry implements SchemaRegistry {
  private static final Logger log = LoggerFactory.getLogger(HttpSchemaRegistry.class);

  static final String ACCEPT =
      "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9,"
          + " application/json; qs=0.5";
  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final int MAX_MESSAGE = 300;

  private final RegistrySettings settings;
  private final HttpClient client;
  private final ObjectMapper json = new ObjectMapper();
  private final Optional<String> authorization;
  /** Index of the URL that answered last; calls start there so a dead URL costs one failover. */
  private final AtomicInteger preferred = new AtomicInteger();

  public HttpSchemaRegistry(RegistrySettings settings) {
    this.settings = settings;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER);
    settings.sslContext().ifPresent(builder::sslContext);
    this.client = builder.build();
    this.authorization =
        settings
            .basicAuthUserInfo()
            .map(u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(UTF_8)));
  }

  public RegistrySettings settings() {
    return settings;
  }

  /** The URL the next call tries first. */
  public URI preferredUrl() {
    return settings.urls().get(preferred.get());
  }

  @Override
  public RegisteredSchema byId(int id) {
    JsonNode node = call("GET", "/schemas/ids/" + id, null);
    return schema(node, id, null, 0, "schema id " + id);
  }

  @Override
  public RegisteredSchema version(String subject, String version) {
    String v = checkedVersion(version);
    JsonNode node = call("GET", "/subjects/" + encode(subject) + "/versions/" + v, null);
    return schema(node, RegistryException.NONE, subject, 0, subject + " version " + v);
  }

  @Override
  public Optional<RegisteredSchema> lookup(String subject, String schema) {
    // No schemaType: every registry defaults to AVRO, and registries older than Confluent 5.5
    // reject the unknown field.
    ObjectNode body = json.createObjectNode().put("schema", schema);
    try {
      JsonNode node = call("POST", "/subjects/" + encode(subject), write(body));
      return Optional.of(schema(node, RegistryException.NONE, subject, 0, "lookup in " + subject));
    } catch (SchemaNotFoundException e) {
      return Optional.empty(); // 40401 unknown subject or 40403 schema not under it
    }
  }

  @Override
  public List<Integer> versions(String subject) {
    JsonNode node;
    try {
      node = call("GET", "/subjects/" + encode(subject) + "/versions", null);
    } catch (SchemaNotFoundException e) {
      return List.of();
    }
    if (!node.isArray()) {
      throw unexpected("versions of " + subject, node);
    }
    List<Integer> versions = new ArrayList<>(node.size());
    node.forEach(v -> versions.add(v.asInt()));
    return List.copyOf(versions);
  }

  /**
   * {@code GET /config/{subject}?defaultToGlobal=true}, falling back to {@code GET /config} on any
   * 404xx: Confluent answers 40408 when the subject has no level of its own (older versions ignore
   * defaultToGlobal), Apicurio answers 40401 for a subject with no versions yet. Reads {@code
   * compatibilityLevel}, or {@code compatibility} as some registries spell it.
   */
  @Override
  public String compatibility(String subject) {
    try {
      JsonNode node = call("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null);
      Optional<String> level = level(node);
      if (level.isPresent()) {
        return level.get();
      }
    } catch (SchemaNotFoundException e) {
      log.debug("No compatibility level of subject {} ({}); using the global one", subject, e.getMessage());
    }
    JsonNode global;
    try {
      global = call("GET", "/config", null);
    } catch (SchemaNotFoundException e) {
      throw new RegistryException(
          "Schema Registry has no global compatibility level: " + e.getMessage(),
          e.httpStatus(), e.errorCode());
    }
    return level(global).orElseThrow(() -> unexpected("global compatibility", global));
  }

  @Override
  public void close() {
    // HttpClient is AutoCloseable from Java 21 on; on 17 its threads end once it is unreachable.
    if (client instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.debug("Closing the HTTP client failed", e);
      }
    }
  }

  @Override
  public String toString() {
    return "HttpSchemaRegistry" + settings.urls();
  }

  private static Optional<String> level(JsonNode node) {
    for (String field : List.of("compatibilityLevel", "compatibility")) {
      JsonNode level = node.get(field);
      if (level != null && level.isTextual() && !level.asText().isBlank()) {
        return Optional.of(level.asText());
      }
    }
    return Optional.empty();
  }

  /** A 2xx answer as JSON, or the matching exception. */
  private JsonNode call(String method, String path, String body) {
    HttpResponse<String> response = exchange(method, path, body);
    int status = response.statusCode();
    String where = method + " " + response.uri();
    if (status / 100 == 2) {
      try {
        return json.readTree(response.body());
      } catch (JsonProcessingException e) {
        throw new RegistryException(
            "Schema Registry answered " + where + " with HTTP " + status + " but no JSON: "
                + snippet(response.body()), status, RegistryException.NONE, e);
      }
    }
    ErrorBody error = errorBody(response.body());
    if (status == 404 && error.code() / 100 == 404) {
      throw new SchemaNotFoundException(error.message(), status, error.code());
    }
    if (status == 401 || status == 403) {
      throw new RegistryException(
          "Schema Registry authentication/authorization failed (HTTP " + status + ") for " + where
              + "; check basic.auth.user.info" + (error.message().isEmpty() ? "" : ": " + error.message()),
          status, error.code());
    }
    if (status == 404) {
      // A 404 without a 404xx code comes from the web server, not the registry: a wrong base URL
      // must not read as "schema not registered".
      throw new RegistryException(
          "Schema Registry URL looks wrong: " + where + " answered HTTP 404 without a registry"
              + " error code (for Apicurio the base URL ends with /apis/ccompat/v7): "
              + error.message(), status, error.code());
    }
    throw new RegistryException(
        "Schema Registry refused " + where + ": HTTP " + status
            + (error.code() == RegistryException.NONE ? "" : " error_code " + error.code())
            + ": " + error.message(), status, error.code());
  }

  /** Sends until some URL gives an answer that is not an outage (anything but 5xx and 429). */
  private HttpResponse<String> exchange(String method, String path, String body) {
    List<URI> urls = settings.urls();
    int count = urls.size();
    String lastError = "none";
    int lastStatus = RegistryException.NONE;
    Throwable lastCause = null;
    int attempts = 0;
    for (int round = 0; round <= settings.maxRetries(); round++) {
      if (round > 0) {
        long pause = backoffMillis(round);
        log.warn("Schema Registry unavailable ({}); retry {} of {} in {} ms",
            lastError, round, settings.maxRetries(), pause);
        sleep(pause, method, path, lastStatus);
      }
      int start = preferred.get();
      for (int i = 0; i < count; i++) {
        int index = (start + i) % count;
        URI base = urls.get(index);
        attempts++;
        try {
          HttpResponse<String> response =
              client.send(request(method, base, path, body), HttpResponse.BodyHandlers.ofString(UTF_8));
          int status = response.statusCode();
          if (status >= 500 || status == 429) {
            lastStatus = status;
            lastCause = null;
            lastError = base + " answered HTTP " + status + ": " + errorBody(response.body()).message();
            log.debug("Schema Registry {} {} failed: {}", method, path, lastError);
            continue;
          }
          if (index != start) {
            log.info("Schema Registry: switched to {}", base);
          }
          preferred.set(index);
          return response;
        } catch (IOException e) { // connect refused, timeouts (HttpTimeoutException), TLS, reset
          lastStatus = RegistryException.NONE;
          lastCause = e;
          lastError = base + " failed: " + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + e.getMessage());
          log.debug("Schema Registry {} {} failed: {}", method, path, lastError);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw interrupted(method, path, lastStatus, e);
        }
      }
    }
    throw new RegistryUnavailableException(
        "Schema Registry unavailable: " + method + " " + path + " failed " + attempts
            + " attempt(s) over " + urls + " in " + (settings.maxRetries() + 1)
            + " round(s); last error: " + lastError, lastStatus, lastCause);
  }

  private HttpRequest request(String method, URI base, String path, String body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(settings.requestTimeout())
            .header("Accept", ACCEPT);
    authorization.ifPresent(a -> builder.header("Authorization", a));
    if (body == null) {
      builder.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      builder.header("Content-Type", CONTENT_TYPE);
      builder.method(method, HttpRequest.BodyPublishers.ofString(body, UTF_8));
    }
    return builder.build();
  }

  /** Doubling from initialBackoff, capped at maxBackoff, with the upper half jittered. */
  long backoffMillis(int round) {
    long initial = settings.initialBackoff().toMillis();
    long max = settings.maxBackoff().toMillis();
    long base = initial << Math.min(round - 1, 30);
    base = base <= 0 || base > max ? max : base;
    long half = base / 2;
    return half + ThreadLocalRandom.current().nextLong(base - half + 1);
  }

  private static void sleep(long millis, String method, String path, int lastStatus) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(method, path, lastStatus, e);
    }
  }

  private static RegistryUnavailableException interrupted(
      String method, String path, int lastStatus, InterruptedException e) {
    return new RegistryUnavailableException(
        "Interrupted while calling Schema Registry " + method + " " + path, lastStatus, e);
  }

  private RegisteredSchema schema(
      JsonNode node, int knownId, String knownSubject, int knownVersion, String what) {
    JsonNode schema = node.get("schema");
    if (schema == null || !schema.isTextual()) {
      throw unexpected(what, node);
    }
    int id = node.path("id").asInt(knownId);
    if (id == RegistryException.NONE) {
      throw unexpected(what, node);
    }
    List<Reference> references = new ArrayList<>();
    for (JsonNode ref : node.path("references")) {
      references.add(new Reference(
          ref.path("name").asText(), ref.path("subject").asText(), ref.path("version").asInt()));
    }
    return new RegisteredSchema(
        id,
        node.path("subject").asText(knownSubject),
        node.path("version").asInt(knownVersion),
        node.path("schemaType").asText(null),
        schema.asText(),
        references,
        rawObject(node, "ruleSet"),
        rawObject(node, "metadata"));
  }

  private Optional<String> rawObject(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isObject() ? Optional.of(write(value)) : Optional.empty();
  }

  private String write(JsonNode node) {
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON", e); // a tree always serializes
    }
  }

  private RegistryException unexpected(String what, JsonNode node) {
    return new RegistryException(
        "Unexpected Schema Registry answer for " + what + ": " + snippet(node.toString()),
        200, RegistryException.NONE);
  }

  /** Confluent's {@code {"error_code": 40403, "message": "..."}}; the raw text when it is not. */
  private ErrorBody errorBody(String body) {
    if (body == null || body.isBlank()) {
      return new ErrorBody(RegistryException.NONE, "");
    }
    try {
      JsonNode node = json.readTree(body);
      if (node != null && node.isObject()) {
        JsonNode code = node.get("error_code");
        JsonNode message = node.get("message");
        return new ErrorBody(
            code != null && code.canConvertToInt() ? code.asInt() : RegistryException.NONE,
            message != null && !message.isNull() ? snippet(message.asText()) : snippet(body));
      }
    } catch (JsonProcessingException e) {
      // Not JSON: a proxy's or web server's page.
    }
    return new ErrorBody(RegistryException.NONE, snippet(body));
  }

  private static String snippet(String text) {
    String flat = text.replaceAll("\\s+", " ").trim();
    return flat.length() <= MAX_MESSAGE ? flat : flat.substring(0, MAX_MESSAGE) + "...";
  }

  /** One path segment: '/' becomes %2F and ' ' becomes %20 (URLEncoder would write '+'). */
  static String encode(String subject) {
    if (subject == null || subject.isEmpty()) {
      throw new IllegalArgumentException("Subject must not be empty");
    }
    return URLEncoder.encode(subject, UTF_8).replace("+", "%20");
  }

  private static String checkedVersion(String version) {
    String v = version == null ? "" : version.trim();
    if (v.equalsIgnoreCase("latest") || v.equals("-1")) {
      return "latest";
    }
    try {
      int number = Integer.parseInt(v);
      if (number >= 1) {
        return Integer.toString(number);
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    // Checked here because registries disagree: Confluent says 42202, Apicurio 40402.
    throw new IllegalArgumentException("Version must be 'latest' or a number >= 1, was '" + version + "'");
  }

  private record ErrorBody(int code, String message) {}
}
