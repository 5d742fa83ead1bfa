package io.github.deltaconnect.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Kafka Connect worker in its own JVM (ConnectDistributed), so its heap can be capped and its CPU
 * time, peak heap and RSS measured apart from the broker and the benchmark driver.
 */
public final class Worker implements AutoCloseable {
  private static final long CLOCK_TICKS_PER_SECOND = 100;
  private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
  private static final Pattern GC_PAUSE = Pattern.compile("Pause.* ([\\d.]+)ms$");

  private final Process process;
  private final int port;
  private final Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private long peakRssKb;
  private long cpuTicks;

  public Worker(Path dir, String bootstrap, Path pluginDir, String heap, Map<String, String> extra)
      throws Exception {
    this(dir, bootstrap, pluginDir.toString(), heap, extra, null);
  }

  /**
   * {@code pluginPath}: the worker's plugin.path (comma-separated); {@code workerLib}: a directory
   * of jars to run the worker from instead of this JVM's classpath (another Kafka version), or null.
   */
  public Worker(Path dir, String bootstrap, String pluginPath, String heap,
      Map<String, String> extra, Path workerLib) throws Exception {
    this.dir = dir;
    Files.createDirectories(dir);
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    StringBuilder props = new StringBuilder();
    props.append("bootstrap.servers=").append(bootstrap).append('\n')
        .append("group.id=bench-").append(port).append('\n')
        .append("listeners=http://127.0.0.1:").append(port).append('\n')
        .append("key.converter=org.apache.kafka.connect.storage.StringConverter\n")
        .append("value.converter=org.apache.kafka.connect.json.JsonConverter\n")
        .append("offset.storage.topic=bench-offsets-").append(port).append('\n')
        .append("config.storage.topic=bench-configs-").append(port).append('\n')
        .append("status.storage.topic=bench-status-").append(port).append('\n')
        .append("offset.storage.replication.factor=1\nconfig.storage.replication.factor=1\n")
        .append("status.storage.replication.factor=1\noffset.storage.partitions=1\n")
        .append("status.storage.partitions=1\n")
        .append("plugin.path=").append(pluginPath).append('\n')
        .append("plugin.discovery=service_load\n")
        .append(extra.containsKey("offset.flush.interval.ms") ? "" : "offset.flush.interval.ms=10000\n");
    extra.forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
    Path worker = dir.resolve("worker.properties");
    Files.writeString(worker, props.toString());
    Path log4j = dir.resolve("log4j2.xml");
    Files.writeString(log4j, """
        <Configuration status="WARN">
          <Appenders><File name="f" fileName="%s"><PatternLayout pattern="%%d{UNIX_MILLIS} [%%t] %%-5level %%c{1} - %%msg%%n"/></File></Appenders>
          <Loggers>
            <Logger name="io.github.deltaconnect" level="info"/>
            <Logger name="org.apache.iceberg.connect" level="info"/>
            <Root level="warn"><AppenderRef ref="f"/></Root>
          </Loggers>
        </Configuration>
        """.formatted(dir.resolve("worker.log")));
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC",
        "-Xlog:gc:file=" + dir.resolve("gc.log"),
        Boolean.getBoolean("bench.jfr")
            ? "-XX:StartFlightRecording=filename=" + dir.resolve("worker.jfr") + ",settings=profile"
            : "-Dbench.jfr=false",
        "-Dlog4j2.configurationFile=" + log4j,
        "-cp", workerLib == null ? System.getProperty("java.class.path") : workerLib + "/*",
        "org.apache.kafka.connect.cli.ConnectDistributed", worker.toString()));
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("worker.out").toFile()).start();
    awaitRest();
  }

  private void awaitRest() throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("worker died; see " + dir.resolve("worker.out"));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/connector-plugins")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("SinkConnector")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("worker REST API did not come up");
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  public void createConnector(String name, Map<String, String> config) throws Exception {
    String body = config.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue().replace("\"", "\\\"") + "\"")
        .collect(Collectors.joining(",", "{", "}"));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/connectors/" + name + "/config"))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException("creating " + name + ": " + r.statusCode() + " " + r.body());
    }
  }

  public void deleteConnector(String name) throws Exception {
    http.send(HttpRequest.newBuilder(uri("/connectors/" + name)).DELETE().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Why the connector's run is over without finishing (deadline passed, worker died, a task
   * FAILED), or null while it is still going.
   */
  public String failure(String connector, long deadlineNanos) throws Exception {
    String status = alive() ? status(connector) : "worker process died";
    if (System.nanoTime() <= deadlineNanos && alive() && !status.contains("\"FAILED\"")) {
      return null;
    }
    String failure = (System.nanoTime() > deadlineNanos ? "timed out; " : "") + status;
    System.out.println(connector + " did not finish: " + failure + "; see " + log());
    return failure;
  }

  public String status(String name) throws Exception {
    return http.send(HttpRequest.newBuilder(uri("/connectors/" + name + "/status")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Samples CPU time and RSS (call it now and then; the last sample is what the report uses). */
  public void sample() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      cpuTicks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith("VmHWM:")) {
          peakRssKb = Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // process gone or not Linux: keep the last sample
    }
  }

  public double cpuSeconds() {
    return cpuTicks / (double) CLOCK_TICKS_PER_SECOND;
  }

  public long peakRssMb() {
    return peakRssKb / 1024;
  }

  /**
   * What the GC log shows: total stop-the-world pauses, the largest heap occupancy (before a
   * collection: with G1 that follows the young generation's size more than the sink), and the
   * largest occupancy right after a young or full collection: an upper bound of what the worker
   * and the sink retain (old-generation garbage waits for G1's mixed collections).
   */
  public record GcLog(double pauseSeconds, long peakHeapMb, long peakLiveHeapMb) {}

  public GcLog gcLog() throws IOException {
    double pauseMs = 0;
    long peak = 0;
    long live = 0;
    Path gc = dir.resolve("gc.log");
    if (Files.exists(gc)) {
      for (String line : Files.readAllLines(gc)) {
        Matcher pause = GC_PAUSE.matcher(line);
        if (pause.find()) {
          pauseMs += Double.parseDouble(pause.group(1));
        }
        Matcher m = GC_LINE.matcher(line);
        if (m.find()) {
          peak = Math.max(peak, Long.parseLong(m.group(1)));
          if (line.contains("Pause Young") || line.contains("Pause Full")) {
            live = Math.max(live, Long.parseLong(m.group(2)));
          }
        }
      }
    }
    return new GcLog(pauseMs / 1000, peak, live);
  }

  public Path log() {
    return dir.resolve("worker.log");
  }

  public boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() throws Exception {
    sample();
    process.destroy();
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      // A worker whose connector hangs in shutdown (seen with Iceberg's coordinator).
      process.destroyForcibly();
      process.waitFor();
    }
    Files.writeString(dir.resolve("exit"), Integer.toString(process.exitValue()),
        StandardCharsets.UTF_8);
  }
}
