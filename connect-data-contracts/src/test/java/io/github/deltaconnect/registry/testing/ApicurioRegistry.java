package io.github.deltaconnect.registry.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Confluent-compatible Schema Registry for tests: Apicurio Registry 3.3.3 as a child JVM,
 * serving the Confluent API under {@link #ccompatUrl()}. Storage is in memory unless {@link
 * #persistent(Path)} puts it in an H2 database file; then {@link #stop()} and {@link #start()} give
 * an outage: the same URL, the same schemas and ids after it.
 *
 * <p>The build unpacks the {@code apicurio-registry-app} distribution and passes its directory as
 * the {@code apicurio.home} system property. Apicurio 3.3.3 needs Java 21+, which need not be the
 * JVM running the tests, so a suitable {@code java} is searched for (set {@code apicurio.java} to
 * force one). The global compatibility rule starts as BACKWARD, as in Confluent's registry.
 *
 * <pre>{@code
 * try (ApicurioRegistry registry = new ApicurioRegistry().start()) {
 *   int id = registry.register("orders-value", schemaJson);
 * }
 * }</pre>
 *
 * <p>Self-contained (JDK only) because other modules reuse it from this module's test jar.
 */
public final class ApicurioRegistry implements AutoCloseable {
  public static final String HOME_PROPERTY = "apicurio.home";
  public static final String JAVA_PROPERTY = "apicurio.java";
  static final int REQUIRED_JAVA = 21;
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private final Path home;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private Process process;
  private Thread shutdownHook;
  private Path logFile;
  private Path dataDir;
  /** Chosen at the first start and kept, so a restarted registry answers at the same URL. */
  private int port;
  private int managementPort;

  /** Uses the distribution named by the {@code apicurio.home} system property. */
  public ApicurioRegistry() {
    this(homeFromProperty());
  }

  public ApicurioRegistry(Path home) {
    this.home = home.toAbsolutePath().normalize();
  }

  /**
   * Keeps the registry's data in an H2 database under {@code dir}, so it survives {@link #stop()}
   * and the next {@link #start()}. Call before the first start.
   */
  public synchronized ApicurioRegistry persistent(Path dir) {
    if (port != 0) {
      throw new IllegalStateException("persistent(...) must be called before start()");
    }
    dataDir = dir.toAbsolutePath().normalize();
    return this;
  }

  /**
   * Launches the registry and waits until its Confluent API answers; returns {@code this}. After
   * {@link #stop()} it starts again on the same port (with the same data when {@link
   * #persistent(Path)}).
   */
  public synchronized ApicurioRegistry start() {
    if (process != null) {
      return this;
    }
    Path runJar = findRunJar(home);
    Path java = findJava();
    if (port == 0) {
      port = freePort();
      managementPort = freePort();
    }
    Path target = home.getParent() == null ? home : home.getParent();
    Path logs = target.resolve("apicurio-logs");
    Path workDir = logs.resolve("work-" + port);
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    logFile = logs.resolve("apicurio-" + port + ".log");
    List<String> command = command(java, runJar, port, managementPort, dataDir);
    try {
      process =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())) // restarts add on
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot launch Apicurio Registry: " + command, e);
    }
    Process launched = process;
    shutdownHook = new Thread(() -> kill(launched, Duration.ofSeconds(5)), "apicurio-registry-killer");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      awaitReady();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    return this;
  }

  static List<String> command(Path java, Path runJar, int port, int managementPort, Path dataDir) {
    List<String> command = new ArrayList<>(List.of(
        java.toString(),
        "-Xmx512m",
        "-Dquarkus.http.host=127.0.0.1",
        "-Dquarkus.http.port=" + port,
        "-Dquarkus.management.host=127.0.0.1",
        "-Dquarkus.management.port=" + managementPort,
        "-Dapicurio.rules.global.compatibility=BACKWARD"));
    if (dataDir != null) {
      // The distribution's default is SQL storage on H2 in memory (jdbc:h2:mem:db_<uuid>); a file
      // database keeps schemas, ids and rules across restarts. The schema is created only when
      // missing (apicurio.sql.init checks for it).
      command.add("-Dapicurio.storage.kind=sql");
      command.add("-Dapicurio.storage.sql.kind=h2");
      command.add("-Dapicurio.datasource.url=jdbc:h2:file:" + dataDir.resolve("registry"));
    }
    command.add("-jar");
    command.add(runJar.toString());
    return command;
  }

  /** Base URL of the Confluent-compatible API, e.g. {@code http://127.0.0.1:P/apis/ccompat/v7}. */
  public String ccompatUrl() {
    if (process == null) {
      throw new IllegalStateException("Apicurio Registry is not started");
    }
    return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
  }

  /** Where the registry's output goes. */
  public Path logFile() {
    return logFile;
  }

  /** {@code POST /subjects/{subject}/versions}; returns the schema id. */
  public int register(String subject, String avroSchemaJson) {
    String body = "{\"schema\":" + jsonString(avroSchemaJson) + "}";
    String answer = send("POST", "/subjects/" + encode(subject) + "/versions", body);
    Matcher id = Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(answer);
    if (!id.find()) {
      throw new IllegalStateException("No id in the registry's answer: " + answer);
    }
    return Integer.parseInt(id.group(1));
  }

  /** {@code PUT /config/{subject}}, e.g. {@code FULL_TRANSITIVE}. */
  public void setCompatibility(String subject, String level) {
    send("PUT", "/config/" + encode(subject), "{\"compatibility\":" + jsonString(level) + "}");
  }

  /** {@code PUT /config}. */
  public void setGlobalCompatibility(String level) {
    send("PUT", "/config", "{\"compatibility\":" + jsonString(level) + "}");
  }

  /** {@code GET /schemas/ids/{id}}: the schema text registered under that id. */
  public String schemaById(int id) {
    String answer = send("GET", "/schemas/ids/" + id, "");
    Matcher schema = Pattern.compile("\"schema\"\\s*:\\s*(\"(?:[^\"\\\\]|\\\\.)*\")").matcher(answer);
    if (!schema.find()) {
      throw new IllegalStateException("No schema in the registry's answer: " + answer);
    }
    return jsonUnquote(schema.group(1));
  }

  /** Whether the child JVM is running. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Stops the registry's JVM (SIGTERM, then SIGKILL after 30 s) and waits for it to exit; its
   * port is then closed. {@link #start()} brings it back on the same port.
   */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    kill(process, Duration.ofSeconds(30));
    process = null;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook runs anyway.
    }
  }

  /** Stops the registry and its descendants and waits for them. */
  @Override
  public void close() {
    stop();
  }

  /** A request the registry refused; {@link #status()} is e.g. 409 for an incompatible schema. */
  public static final class RequestFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String body;

    RequestFailed(String request, int status, String body) {
      super(request + " answered HTTP " + status + ": " + body);
      this.status = status;
      this.body = body;
    }

    public int status() {
      return status;
    }

    public String body() {
      return body;
    }
  }

  private String send(String method, String path, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(ccompatUrl() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", CONTENT_TYPE)
            .header("Accept", CONTENT_TYPE)
            .method(method, HttpRequest.BodyPublishers.ofString(body, UTF_8))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted during " + method + " " + path, e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new RequestFailed(method + " " + path, response.statusCode(), response.body());
    }
    return response.body();
  }

  private void awaitReady() {
    URI probe = URI.create(ccompatUrl() + "/subjects");
    Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
    String last = "no answer yet";
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw startupFailure("exited with code " + process.exitValue());
      }
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
        last = "HTTP " + response.statusCode();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw startupFailure("was interrupted while waiting");
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw startupFailure("was interrupted while waiting");
      }
    }
    throw startupFailure("did not answer " + probe + " within " + STARTUP_TIMEOUT + " (last: " + last + ")");
  }

  private IllegalStateException startupFailure(String what) {
    return new IllegalStateException(
        "Apicurio Registry " + what + "; log " + logFile + " ends with:\n" + tail(logFile, 40));
  }

  private static void kill(Process process, Duration wait) {
    List<ProcessHandle> descendants = process.descendants().toList();
    descendants.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private static Path homeFromProperty() {
    String home = System.getProperty(HOME_PROPERTY);
    if (home == null || home.isBlank()) {
      throw new IllegalStateException(
          "System property " + HOME_PROPERTY + " is not set: it must name the unpacked"
              + " io.apicurio:apicurio-registry-app:tar.gz:all (the build's pre-integration-test"
              + " phase unpacks it into target/apicurio)");
    }
    return Path.of(home);
  }

  /** {@code quarkus-run.jar}, at the top of the distribution or in a subdirectory of it. */
  static Path findRunJar(Path home) {
    if (!Files.isDirectory(home)) {
      throw new IllegalStateException("Apicurio home " + home + " does not exist; run the build's"
          + " pre-integration-test phase (e.g. mvn verify) to unpack it");
    }
    try (Stream<Path> files = Files.walk(home, 4)) {
      return files
          .filter(p -> p.getFileName().toString().equals("quarkus-run.jar"))
          .min((a, b) -> Integer.compare(a.getNameCount(), b.getNameCount()))
          .orElseThrow(() -> new IllegalStateException("No quarkus-run.jar under " + home));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first {@code java} of major version 21+ among the usual places. */
  static Path findJava() {
    Set<Path> candidates = new LinkedHashSet<>();
    Optional.ofNullable(System.getProperty(JAVA_PROPERTY)).filter(s -> !s.isBlank())
        .ifPresent(p -> candidates.add(Path.of(p)));
    Optional.ofNullable(System.getenv("JAVA_HOME")).filter(s -> !s.isBlank())
        .ifPresent(h -> candidates.add(Path.of(h, "bin", "java")));
    ProcessHandle.current().info().command().ifPresent(c -> candidates.add(Path.of(c)));
    candidates.add(Path.of(System.getProperty("java.home"), "bin", "java"));
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        if (!dir.isBlank()) {
          candidates.add(Path.of(dir, "java"));
        }
      }
    }
    candidates.addAll(children(Path.of("/usr/lib/jvm"), "bin/java"));
    candidates.addAll(children(Path.of("/Library/Java/JavaVirtualMachines"), "Contents/Home/bin/java"));

    List<String> looked = new ArrayList<>();
    for (Path candidate : candidates) {
      if (!Files.isExecutable(candidate) || Files.isDirectory(candidate)) {
        continue;
      }
      int major = majorVersion(candidate);
      looked.add(candidate + " (" + (major > 0 ? "Java " + major : "version unknown") + ")");
      if (major >= REQUIRED_JAVA) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "Apicurio Registry 3.3.3 needs Java " + REQUIRED_JAVA + "+ but none was found. Looked at -D"
            + JAVA_PROPERTY + ", JAVA_HOME, this JVM, $PATH, /usr/lib/jvm/*/bin/java and"
            + " /Library/Java/JavaVirtualMachines/*/Contents/Home/bin/java; found: "
            + (looked.isEmpty() ? "none" : String.join(", ", looked))
            + ". Install a JDK 21+ or point -D" + JAVA_PROPERTY + " at its bin/java.");
  }

  private static List<Path> children(Path dir, String relative) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.sorted().map(p -> p.resolve(relative)).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** From the {@code release} file next to {@code bin/}, else from {@code java -version}. */
  static int majorVersion(Path java) {
    Path real;
    try {
      real = java.toRealPath(); // /usr/bin/java is a chain of symlinks into the JDK
    } catch (IOException e) {
      return -1;
    }
    Path bin = real.getParent();
    Path release = bin == null || bin.getParent() == null ? null : bin.getParent().resolve("release");
    if (release != null && Files.isRegularFile(release)) {
      Properties props = new Properties();
      try (var in = Files.newInputStream(release)) {
        props.load(in);
        String version = props.getProperty("JAVA_VERSION");
        if (version != null) {
          return parseMajor(version.replace("\"", ""));
        }
      } catch (IOException | IllegalArgumentException e) {
        // fall back to running it
      }
    }
    try {
      Process p = new ProcessBuilder(real.toString(), "-version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      Matcher m = Pattern.compile("version \"([^\"]+)\"").matcher(out);
      return m.find() ? parseMajor(m.group(1)) : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** "25.0.3" → 25, "21" → 21, "1.8.0_392" → 8. */
  static int parseMajor(String version) {
    Matcher m = Pattern.compile("^(\\d+)(?:\\.(\\d+))?").matcher(version.trim());
    if (!m.find()) {
      return -1;
    }
    int first = Integer.parseInt(m.group(1));
    return first == 1 && m.group(2) != null ? Integer.parseInt(m.group(2)) : first;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | RuntimeException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, UTF_8).replace("+", "%20");
  }

  /** The text of a JSON string literal (quotes included). */
  static String jsonUnquote(String literal) {
    StringBuilder out = new StringBuilder(literal.length());
    for (int i = 1; i < literal.length() - 1; i++) {
      char c = literal.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = literal.charAt(++i);
      switch (e) {
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> {
          out.append((char) Integer.parseInt(literal.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> out.append(e); // \" \\ \/
      }
    }
    return out.toString();
  }

  /** A JSON string literal. */
  static String jsonString(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
