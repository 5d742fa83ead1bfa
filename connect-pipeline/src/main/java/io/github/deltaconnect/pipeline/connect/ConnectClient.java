package io.github.deltaconnect.pipeline.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The few Kafka Connect REST calls the pipeline commands make. */
public final class ConnectClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();

  public ConnectClient(String url) {
    this.base = URI.create(url.endsWith("/") ? url : url + "/");
  }

  /** Connect's verdict on one property: its value and errors (empty: accepted). */
  public record Verdict(String property, String value, java.util.List<String> errors) {}

  /**
   * {@code PUT /connector-plugins/{plugin}/config/validate}: every property Connect checked, with
   * its errors.
   */
  public Map<String, Verdict> validate(String pluginClass, Map<String, String> config)
      throws IOException, InterruptedException {
    String plugin = pluginClass.substring(pluginClass.lastIndexOf('.') + 1);
    JsonNode body = send("PUT", "connector-plugins/" + encode(plugin) + "/config/validate",
        JSON.writeValueAsString(config), 200);
    Map<String, Verdict> out = new LinkedHashMap<>();
    for (JsonNode c : body.path("configs")) {
      JsonNode value = c.path("value");
      java.util.List<String> errors = new java.util.ArrayList<>();
      value.path("errors").forEach(err -> errors.add(err.asText()));
      String name = value.path("name").asText();
      out.put(name, new Verdict(name, value.path("value").isNull() ? null
          : value.path("value").asText(), errors));
    }
    return out;
  }

  /** {@code GET /connectors/{name}/config}, or empty when there is no such connector. */
  public Optional<Map<String, String>> config(String name)
      throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(request("connectors/" + encode(name) + "/config")
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    check(r, 200);
    Map<String, String> out = new LinkedHashMap<>();
    JSON.readTree(r.body()).fields().forEachRemaining(e -> out.put(e.getKey(),
        e.getValue().asText()));
    return Optional.of(out);
  }

  /** {@code PUT /connectors/{name}/config}: creates or updates the connector. */
  public void put(String name, Map<String, String> config)
      throws IOException, InterruptedException {
    send("PUT", "connectors/" + encode(name) + "/config", JSON.writeValueAsString(config), 200,
        201);
  }

  private JsonNode send(String method, String path, String body, int... ok)
      throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(request(path)
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    check(r, ok);
    return JSON.readTree(r.body().isEmpty() ? "{}" : r.body());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
        .header("Accept", "application/json");
  }

  private static void check(HttpResponse<String> r, int... ok) throws IOException {
    for (int code : ok) {
      if (r.statusCode() == code) {
        return;
      }
    }
    String message = r.body();
    try {
      message = JSON.readTree(r.body()).path("message").asText(r.body());
    } catch (IOException ignored) {
      // not JSON: the body as it is
    }
    throw new IOException(r.request().method() + " " + r.uri() + ": HTTP " + r.statusCode()
        + ": " + message);
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
