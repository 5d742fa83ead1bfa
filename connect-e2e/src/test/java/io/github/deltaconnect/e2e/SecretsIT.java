package io.github.deltaconnect.e2e;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.github.deltaconnect.sink.testing.S3Server;
import io.github.deltaconnect.sink.testing.TableReader;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets given to the plugin (S3 secret keys, also per bucket, a session token, an SSE-C key,
 * Schema Registry basic auth, credentials inside a table location or registry URL) never show up
 * where operators and readers look: the worker log (messages and whole stack traces, at INFO and
 * the plugin's DEBUG), the REST API (status and task traces, topics, offsets, validation, refusals),
 * the DLQ, the Delta table (commitInfo, table properties, domain metadata, data files) or the Hub
 * zip. Connectors run with distinctive secret values: one commits, the others fail (S3 refuses a
 * wrong key, the registry refuses the credentials, URLs with credentials are refused at creation),
 * then every place is searched for every secret.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsIT {
  static final String GOOD = "secrets-good";
  static final String WRONG_S3 = "secrets-wrong-s3";
  static final String REGISTRY = "secrets-registry";
  /** The connectors that get created; two more are refused for credentials in a URL. */
  static final List<String> RUNNING = List.of(GOOD, WRONG_S3, REGISTRY);
  static final String ACCESS_KEY = "lake-writer";
  static final List<String> SECRET_KEYS = List.of("hadoop.fs.s3a.secret.key",
      "hadoop.fs.s3a.bucket.lake.secret.key", "hadoop.fs.s3a.session.token",
      "hadoop.fs.s3a.encryption.key", "value.converter.basic.auth.user.info",
      "delta.gates.alert.webhook.url", "delta.gates.registry.basic.auth.user.info");

  /** Secret name -> value; random per run, so any match comes from this run. */
  final Map<String, String> secrets = new LinkedHashMap<>();
  final List<String> registryAuthorizations = new CopyOnWriteArrayList<>();
  final List<String> webhookCalls = new CopyOnWriteArrayList<>();

  @TempDir
  Path tmp;
  S3Server s3;
  HttpServer registry;
  HttpServer webhook;
  EmbeddedConnectCluster connect;
  LogCapture log;

  @BeforeAll
  void start() throws Exception {
    for (String name : List.of("S3", "S3-WRONG", "S3-WRONG-BUCKET", "S3-TOKEN", "REGISTRY",
        "REGISTRY-URL", "LOCATION", "WEBHOOK", "GATE-REGISTRY")) {
      secrets.put(name, "SECRET-" + name + "-" + random(8));
    }
    // SSE-C takes a base64 AES-256 key: 32 bytes, readable inside so a leak is easy to spot.
    secrets.put("SSE-C", Base64.getEncoder().encodeToString(
        ("SECRET-SSE-C-" + random(10)).substring(0, 32).getBytes(UTF_8)));
    s3 = new S3Server(ACCESS_KEY, secrets.get("S3"));
    s3.createBucket("lake");
    registry = refusingRegistry();
    webhook = failingWebhook();
    connect = ConnectHarness.start("secrets", 1);
    log = LogCapture.install();
  }

  @AfterAll
  void stop() throws Exception {
    if (log != null) {
      log.close();
    }
    if (connect != null) {
      connect.stop();
    }
    if (registry != null) {
      registry.stop(0);
    }
    if (webhook != null) {
      webhook.stop(0);
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void noSecretReachesLogsStatusTracesDlqTableOrHubZip() throws Exception {
    long started = System.nanoTime();
    String location = "s3a://lake/secrets/good";
    for (String c : RUNNING) {
      connect.kafka().createTopic(c, 1);
      connect.kafka().createTopic(c + "-dlq", 1);
    }
    int lastGood = produce();

    connect.configureConnector(GOOD, goodS3Sink(location));
    connect.configureConnector(WRONG_S3, wrongS3Sink());
    connect.configureConnector(REGISTRY,
        registrySink(REGISTRY, "http://127.0.0.1:" + registry.getAddress().getPort()));
    // Credentials inside a URL are refused when the connector is created, before any config is
    // logged, and the refusal shows the URL without them.
    Map<String, String> withCredentials = goodS3Sink(
        "s3a://" + ACCESS_KEY + ":" + secrets.get("LOCATION") + "@lake/secrets/location");
    String locationAnswer = put("secrets-location", withCredentials);
    assertTrue(locationAnswer.startsWith("400 ") && locationAnswer.contains(
        "s3a://***@lake/secrets/location for configuration delta.table.location: must not carry"
            + " credentials"), locationAnswer);
    String urlAnswer = put("secrets-registry-url", registrySink("secrets-registry-url",
        "http://svc-user:" + secrets.get("REGISTRY-URL") + "@127.0.0.1:1"));
    assertTrue(urlAnswer.startsWith("400 ") && urlAnswer.contains(
        "http://***@127.0.0.1:1 for configuration schema.registry.url: must not carry credentials"),
        urlAnswer);

    // The failures really happen, each for its own reason...
    for (String c : List.of(WRONG_S3, REGISTRY)) {
      connect.assertions().assertConnectorIsRunningAndTasksHaveFailed(c, 1, c + " did not fail");
    }
    assertTrace(WRONG_S3, "Status Code: 403");
    assertTrace(REGISTRY, "authentication/authorization failed (HTTP 401)");
    assertTrue(registryAuthorizations.contains("Basic " + Base64.getEncoder().encodeToString(
            ("svc-user:" + secrets.get("REGISTRY")).getBytes(UTF_8))),
        "the converter sent the configured credentials: " + registryAuthorizations);
    // ...and the good connector commits, sending its bad records to the DLQ.
    Tables.awaitStoredOffsets(() -> new TableReader(location, s3.hadoopConf()), GOOD, GOOD, 1,
        lastGood);

    Map<String, String> places = new TreeMap<>();
    places.put("REST PUT refused location", locationAnswer);
    places.put("REST PUT refused registry URL", urlAnswer);
    restResponses().forEach((where, body) -> places.put("REST " + where, body));
    places.put("DLQ records", dlqText());
    places.put("Delta table", tableText(location));
    assertEquals(List.of(), hubZipFindings(), "secrets or credentials in the Hub zip");
    String workerLog = log.text(); // last, so it holds the workers' side of the above too
    places.put("worker log", workerLog);
    Files.writeString(Path.of("target", "SecretsIT-worker.log"), workerLog);

    // The searches are not vacuous: each place holds what it should.
    for (String c : RUNNING) {
      assertTrue(workerLog.contains("Instantiated task " + c + "-0"), "the capture saw " + c);
    }
    assertTrue(workerLog.contains("Committed") && workerLog.contains("Status Code: 403")
        && workerLog.contains("HTTP 401") && workerLog.contains("goes to the DLQ"),
        "the capture saw commits, failures with their traces, and DEBUG from the plugin");
    assertTrue(webhookCalls.stream().anyMatch(p -> p.endsWith(secrets.get("WEBHOOK")))
        && workerLog.contains("Quality gate alert") && workerLog.contains("webhook attempt"),
        "gate alerts were logged and posted to the secret URL, which refused them: "
            + webhookCalls.size() + " calls");
    assertTrue(places.get("DLQ records").contains("__connect.errors.exception.stacktrace"),
        "bad records reached the DLQ with their stack traces");
    String table = places.get("Delta table");
    assertTrue(table.contains("\"commitInfo\"") && table.contains("\"metaData\"")
        && table.contains("kafka.offsets." + GOOD), "the table's log was read");

    List<String> leaks = new ArrayList<>();
    places.forEach((where, text) -> secrets.forEach((name, value) -> {
      int at = text.indexOf(value);
      if (at >= 0) {
        leaks.add(name + " in " + where + ": ..." + text.substring(Math.max(0, at - 200),
            Math.min(text.length(), at + value.length() + 50)) + "...");
      }
    }));
    assertEquals(List.of(), leaks, "secrets leaked");

    for (String c : RUNNING) {
      connect.deleteConnector(c);
    }
    System.out.printf("SecretsIT: searched %d log events, %d other texts and the Hub zip; %d ms%n",
        log.size(), places.size() - 1, (System.nanoTime() - started) / 1_000_000);
  }

  /**
   * Good and bad JSON events for the good connector, Avro-looking bytes for the others; returns
   * the offset of the good connector's last good record.
   */
  int produce() throws Exception {
    try (Producer producer = new Producer(connect)) {
      for (int seq = 0; seq < 200; seq++) {
        String value = seq % 50 == 10 ? Events.garbage(seq)
            : seq % 50 == 30 ? Events.unknownField(0, seq) : Events.good(0, seq);
        producer.send(GOOD, 0, Events.id(0, seq), value);
      }
      for (String c : List.of(WRONG_S3, REGISTRY)) {
        for (int seq = 0; seq < 5; seq++) {
          // Magic byte 0 and schema id 1: the contract converter must ask the registry.
          producer.send(c, 0, "k" + seq, "\u0000\u0000\u0000\u0000\u0001payload-" + seq);
        }
      }
    }
    return 199;
  }

  Map<String, String> goodS3Sink(String location) {
    Map<String, String> config = ConnectHarness.sinkConfig(GOOD, Path.of("unused"), GOOD + "-dlq");
    config.put("delta.table.location", location);
    config.put("tasks.max", "1");
    config.put("delta.flush.size", "100");
    s3.s3aSettings().forEach((k, v) -> config.put("hadoop." + k, v));
    // Configured but not sent: S3Proxy refuses requests with x-amz-security-token.
    config.put("hadoop.fs.s3a.session.token", secrets.get("S3-TOKEN"));
    // A gate every batch breaks (alert: the batch commits), posted to a webhook whose URL is a
    // secret (as a Slack one is) and which answers 500, so the retries and failures are logged.
    config.put("delta.gates", "always");
    config.put("delta.gate.always.metric", "row_count");
    config.put("delta.gate.always.max", "1");
    config.put("delta.gate.always.action", "alert");
    config.put("delta.gates.alert.webhook.url", "http://127.0.0.1:"
        + webhook.getAddress().getPort() + "/services/" + secrets.get("WEBHOOK"));
    config.put("delta.gates.alert.retry.backoff.ms", "50");
    return config;
  }

  Map<String, String> wrongS3Sink() {
    Map<String, String> config = goodS3Sink("s3a://lake/secrets/wrong");
    config.put("topics", WRONG_S3);
    config.put("errors.deadletterqueue.topic.name", WRONG_S3 + "-dlq");
    config.put("hadoop.fs.s3a.secret.key", secrets.get("S3-WRONG"));
    // Per-bucket settings are not declared passwords: they pass through as plain hadoop.* keys.
    config.put("hadoop.fs.s3a.bucket.lake.secret.key", secrets.get("S3-WRONG-BUCKET"));
    config.put("hadoop.fs.s3a.encryption.algorithm", "SSE-C");
    config.put("hadoop.fs.s3a.encryption.key", secrets.get("SSE-C"));
    return config;
  }

  Map<String, String> registrySink(String name, String registryUrl) {
    Map<String, String> config =
        ContractIT.contractSink(name, tmp.resolve(name), name + "-dlq", registryUrl);
    config.put("tasks.max", "1");
    config.put("value.converter.basic.auth.user.info", "svc-user:" + secrets.get("REGISTRY"));
    config.put("value.converter.schema.registry.retries", "0");
    // The sink's registry_validation gate has its own registry credentials, a password too.
    config.put("delta.gates", "registered");
    config.put("delta.gate.registered.metric", "schema_hash");
    config.put("delta.gate.registered.action", "registry_validation");
    config.put("delta.gates.registry.url", "http://127.0.0.1:" + registry.getAddress().getPort());
    config.put("delta.gates.registry.basic.auth.user.info",
        "gate-user:" + secrets.get("GATE-REGISTRY"));
    return config;
  }

  void assertTrace(String connector, String expected) {
    String trace = connect.connectorStatus(connector).tasks().get(0).trace();
    assertTrue(trace != null && trace.contains(expected), connector + ": " + trace);
  }

  /**
   * What the REST API answers about each connector. Status (with task traces), topics and offsets
   * must be clean, and so must validation results, where Connect shows PASSWORD values as
   * [hidden]. /config, /connectors/{name} and /tasks hand back the submitted configuration as it
   * is, secrets included (use a config provider to keep them out); there the secrets may appear
   * only as the values of the keys they were given under.
   */
  Map<String, String> restResponses() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Map<String, String> out = new TreeMap<>();
    for (String c : RUNNING) {
      for (String resource : List.of("/status", "/tasks/0/status", "/topics", "/offsets")) {
        out.put(c + resource, get("connectors/" + c + resource));
      }
      ConnectorStateInfo status = connect.connectorStatus(c);
      StringBuilder traces = new StringBuilder(String.valueOf(status.connector().trace()));
      status.tasks().forEach(t -> traces.append('\n').append(t.trace()));
      out.put(c + " status traces", traces.toString());

      JsonNode config = json.readTree(get("connectors/" + c + "/config"));
      JsonNode info = json.readTree(get("connectors/" + c));
      JsonNode tasks = json.readTree(get("connectors/" + c + "/tasks"));
      System.out.printf("SecretsIT: REST /connectors/%s/config shows secrets %s, /connectors/%s %s,"
              + " /tasks %s%n", c, secretsIn(config.toString()), c, secretsIn(info.toString()),
          secretsIn(tasks.toString()));
      out.put(c + "/config without secret keys", withoutSecretKeys(config).toString());
      out.put(c + " without secret keys",
          withoutSecretKeys(info.get("config")).toString() + info.get("tasks"));
      for (JsonNode task : tasks) {
        out.put(c + "/tasks/" + task.path("id").path("task").asText() + " without secret keys",
            task.get("id") + withoutSecretKeys(task.get("config")).toString());
      }
    }
    out.put("connectors?expand=status", get("connectors?expand=status"));
    for (Map<String, String> config : List.of(wrongS3Sink(), registrySink(REGISTRY, "http://h:1"))) {
      Response r = connect.requestPut(
          connect.endpointForResource("connector-plugins/DeltaSinkConnector/config/validate"),
          json.writeValueAsString(config));
      String body = String.valueOf(r.getEntity());
      assertEquals(200, r.getStatus(), body);
      out.put("validate " + config.get("topics"), body);
    }
    return out;
  }

  /** PUT /connectors/{name}/config; the answer's status and body. */
  String put(String name, Map<String, String> config) throws IOException {
    Response r = connect.requestPut(connect.endpointForResource("connectors/" + name + "/config"),
        new ObjectMapper().writeValueAsString(config));
    return r.getStatus() + " " + r.getEntity();
  }

  String get(String resource) {
    Response r = connect.requestGet(connect.endpointForResource(resource));
    String body = String.valueOf(r.getEntity());
    assertEquals(200, r.getStatus(), resource + ": " + body);
    return body;
  }

  List<String> secretsIn(String text) {
    return secrets.entrySet().stream().filter(e -> text.contains(e.getValue()))
        .map(Map.Entry::getKey).toList();
  }

  /** A connector or task config without the keys the secrets were given under. */
  static JsonNode withoutSecretKeys(JsonNode config) {
    com.fasterxml.jackson.databind.node.ObjectNode copy = config.deepCopy();
    copy.remove(SECRET_KEYS);
    return copy;
  }

  /** Every DLQ record's key, value and headers. */
  String dlqText() throws Exception {
    StringBuilder out = new StringBuilder();
    for (String c : RUNNING) {
      for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consumeAll(2_000, c + "-dlq")) {
        out.append(c).append("-dlq: ").append(text(r.key())).append(" = ").append(text(r.value()));
        for (Header h : r.headers()) {
          out.append("\n  ").append(h.key()).append(": ").append(text(h.value()));
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  /** Every file of the good table, the whole _delta_log included, as text. */
  String tableText(String location) throws IOException {
    Configuration conf = s3.hadoopConf();
    StringBuilder out = new StringBuilder();
    try (FileSystem fs = FileSystem.newInstance(URI.create(location), conf)) {
      RemoteIterator<LocatedFileStatus> files =
          fs.listFiles(new org.apache.hadoop.fs.Path(location), true);
      while (files.hasNext()) {
        org.apache.hadoop.fs.Path file = files.next().getPath();
        try (InputStream in = fs.open(file)) {
          out.append("== ").append(file).append('\n').append(new String(in.readAllBytes(), UTF_8))
              .append('\n');
        }
      }
    }
    return out.toString();
  }

  /**
   * What is wrong in the Hub zip, searching every entry and every entry of every jar in it: this
   * run's secrets (which would mean the build and the test share state), the suite's fixed test
   * credentials, test code of ours, or a config file that sets a secret-looking key.
   */
  List<String> hubZipFindings() throws IOException {
    Path packages = ConnectHarness.projectRoot()
        .resolve("connect-plugin-bundle/target/components/packages");
    List<Path> zips;
    try (Stream<Path> files = Files.list(packages)) {
      zips = files.filter(p -> p.toString().endsWith(".zip")).toList();
    }
    assertFalse(zips.isEmpty(), "no Hub zip in " + packages);
    Map<String, String> needles = new LinkedHashMap<>(secrets);
    needles.put("the S3 test secret", S3Server.SECRET_KEY);
    List<String> entries = new ArrayList<>();
    List<String> findings = new ArrayList<>();
    for (Path zip : zips) {
      try (InputStream in = Files.newInputStream(zip)) {
        scanZip(zip.getFileName().toString(), in, needles, entries, findings);
      }
    }
    assertTrue(entries.stream().anyMatch(
            e -> e.endsWith("!/io/github/deltaconnect/sink/DeltaSinkConnector.class")),
        "the jars inside the zip were opened: " + entries.size() + " entries");
    return findings;
  }

  static final Pattern SECRET_ASSIGNMENT = Pattern.compile(
      "(?i)(secret\\.key|session\\.token|encryption\\.key|basic\\.auth\\.user\\.info|password)"
          + "\\s*(=|:|</name>\\s*<value>)\\s*[\"']?[A-Za-z0-9+/_-]{6,}");

  static void scanZip(String where, InputStream in, Map<String, String> needles,
      List<String> entries, List<String> findings) throws IOException {
    ZipInputStream zip = new ZipInputStream(in);
    for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
      String name = where + "!/" + e.getName();
      entries.add(name);
      byte[] bytes = zip.readAllBytes();
      if (e.getName().endsWith(".jar")) {
        scanZip(name, new ByteArrayInputStream(bytes), needles, entries, findings);
        continue;
      }
      String text = new String(bytes, ISO_8859_1); // byte for byte, whatever the encoding
      needles.forEach((what, value) -> {
        if (text.contains(value)) {
          findings.add(what + " in " + name);
        }
      });
      if (e.getName().startsWith("io/github/deltaconnect/") && e.getName().contains("/testing/")) {
        findings.add(name + " is test code");
      }
      if (e.getName().matches(".*\\.(properties|xml|ya?ml|json|conf|cfg|ini|env)$")) {
        java.util.regex.Matcher m = SECRET_ASSIGNMENT.matcher(text);
        if (m.find()) {
          findings.add(name + " sets a secret: " + m.group());
        }
      }
    }
  }

  /** A registry that refuses every request (HTTP 401) and remembers the credentials it got. */
  /** A webhook receiver that records the paths it is called on and answers 500. */
  HttpServer failingWebhook() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      webhookCalls.add(exchange.getRequestURI().getPath());
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(500, -1);
      exchange.close();
    });
    server.start();
    return server;
  }

  HttpServer refusingRegistry() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      registryAuthorizations.add(String.valueOf(auth));
      byte[] body = "{\"error_code\":40101,\"message\":\"Unauthorized\"}".getBytes(UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(401, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return server;
  }

  static String text(byte[] bytes) {
    return bytes == null ? "null" : new String(bytes, UTF_8);
  }

  static String random(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
