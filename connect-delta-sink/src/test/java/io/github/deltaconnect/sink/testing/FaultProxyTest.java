package io.github.deltaconnect.sink.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.github.deltaconnect.sink.testing.FaultProxy.Exchange;
import io.github.deltaconnect.sink.testing.FaultProxy.Fault;
import io.github.deltaconnect.sink.testing.FaultProxy.Rule;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSDataOutputStreamBuilder;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.RemoteFileChangedException;
import org.apache.hadoop.fs.s3a.impl.AWSClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Hadoop S3A through {@link FaultProxy} to {@link S3Server}: the proxy relays S3A's traffic
 * faithfully, its faults fire as ruled, and what S3A (SDK retries 2, S3A retries 2) makes of them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class FaultProxyTest {
  static final String BUCKET = "faults";
  static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(2);
  S3Server s3;
  FaultProxy proxy;
  FileSystem fs;
  String dir;

  @BeforeAll
  void startServer() throws Exception {
    // S3A raises every network timeout to at least 15 s; its hook for tests lowers that floor so
    // the timeouts below hold and no request outlives a few seconds.
    AWSClientConfig.setMinimumOperationDuration(Duration.ofMillis(100));
    s3 = new S3Server();
    s3.createBucket(BUCKET);
  }

  @AfterAll
  void stopServer() throws Exception {
    AWSClientConfig.resetMinimumOperationDuration();
    s3.close();
  }

  @BeforeEach
  void start(TestInfo test) throws IOException {
    proxy = new FaultProxy(URI.create(s3.s3aSettings().get("fs.s3a.endpoint")));
    Configuration conf = new Configuration();
    s3.s3aSettings().forEach(conf::set);
    conf.set("fs.s3a.endpoint", proxy.endpoint());
    conf.set("fs.s3a.impl.disable.cache", "true");
    conf.set("fs.s3a.connection.establish.timeout", "2s");
    conf.set("fs.s3a.connection.timeout", SOCKET_TIMEOUT.toMillis() + "ms"); // socket reads
    conf.set("fs.s3a.connection.acquisition.timeout", "2s");
    conf.set("fs.s3a.connection.request.timeout", "10s"); // a whole SDK call, its retries included
    conf.set("fs.s3a.connection.part.upload.timeout", "10s");
    conf.set("fs.s3a.retry.interval", "10ms");
    conf.set("fs.s3a.retry.throttle.interval", "10ms");
    conf.set("fs.s3a.multipart.size", "5M"); // the S3 minimum part size, and S3A's
    conf.set("fs.s3a.multipart.threshold", "5M");
    conf.set("fs.s3a.fast.upload.buffer", "array");
    fs = FileSystem.get(URI.create("s3a://" + BUCKET + "/"), conf);
    dir = "/" + test.getTestMethod().orElseThrow().getName();
  }

  @AfterEach
  void stop() throws Exception {
    try {
      fs.close();
    } finally {
      proxy.close();
    }
  }

  @Test
  void withoutRulesS3aWritesListsReadsAndDeletesThroughTheProxyIncludingAMultipartUpload()
      throws IOException {
    byte[] small = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] big = bytes(11 * 1024 * 1024 + 17); // parts of 5 MiB, 5 MiB and the rest
    write(path("small.txt"), small);
    write(path("big.bin"), big);

    assertEquals(2, fs.listStatus(new Path(dir)).length);
    assertEquals(big.length, fs.getFileStatus(path("big.bin")).getLen());
    assertArrayEquals(small, read(path("small.txt")));
    assertArrayEquals(big, read(path("big.bin")));
    assertTrue(fs.delete(new Path(dir), true));
    assertFalse(fs.exists(path("big.bin")));

    List<Exchange> seen = proxy.exchanges();
    assertEquals(List.of(), proxy.faults());
    String key = "/" + BUCKET + dir + "/big.bin";
    assertEquals(1, count(seen, "POST", key + "\\?uploads"), "multipart upload started: " + seen);
    assertEquals(3, count(seen, "PUT", key + "\\?partNumber=\\d&uploadId=.*"), "three parts");
    assertEquals(1, count(seen, "POST", key + "\\?uploadId=.*"), "and completed");
  }

  @Test
  void aSlowDownOnTheFirstPutOfAKeyIsRetriedAndTheWriteLands() throws IOException {
    proxy.add(Rule.on("PUT", ".*/throttled\\.txt", Fault.status(503, "SlowDown")).nth(1));
    byte[] data = "after a throttle".getBytes(StandardCharsets.UTF_8);
    write(path("throttled.txt"), data);

    assertArrayEquals(data, read(path("throttled.txt")));
    List<Exchange> puts = exchanges("PUT", "throttled.txt");
    assertEquals(2, puts.size(), puts.toString());
    assertEquals(503, puts.get(0).fault().status());
    assertEquals(200, puts.get(1).upstreamStatus());
    assertEquals(1, proxy.faults().size());
  }

  /**
   * The commit case the sink must survive: the conditional PUT (If-None-Match: *) of a commit file
   * lands, its response is lost. The SDK retries the PUT inside the same call, the retry gets 412
   * from the object the first attempt made, and S3A reports RemoteFileChangedException: what a
   * writer that lost the race to another writer sees. So the sink is told its own commit failed
   * and must recognise it as its own (by its offsets in the table), not commit the batch again.
   */
  @Test
  void aLostResponseOnAConditionalCreateLandsTheObjectButTheRetryFailsWithPreconditionFailed()
      throws IOException {
    proxy.add(Rule.on("PUT", ".*/commit\\.json", Fault.lostResponse()).nth(1));
    byte[] data = "{\"commitInfo\":{}}".getBytes(StandardCharsets.UTF_8);

    RemoteFileChangedException e = assertThrows(RemoteFileChangedException.class,
        () -> createIfAbsent(path("commit.json"), data));
    assertTrue(e.getMessage().contains("412") && e.getMessage().contains("SDK Attempt Count: 2"),
        e.getMessage());
    assertArrayEquals(data, read(path("commit.json")), "the first attempt's object stands");
    List<Exchange> puts = exchanges("PUT", "commit.json");
    assertEquals(2, puts.size(), puts.toString());
    assertEquals(new Exchange(puts.get(0).method(), puts.get(0).target(), Fault.lostResponse(),
        200), puts.get(0), "the first PUT reached the server and succeeded");
    assertEquals(412, puts.get(1).upstreamStatus(), "the retry hit its own object");
    List<S3Server.Put> serverSaw = s3.puts().stream()
        .filter(p -> p.key().endsWith(dir.substring(1) + "/commit.json")).toList();
    assertEquals(List.of(true, false), serverSaw.stream().map(S3Server.Put::accepted).toList());
    assertTrue(serverSaw.stream().allMatch(p -> "*".equals(p.ifNoneMatch())), serverSaw.toString());
  }

  @Test
  void anInternalErrorOnAReadIsRetried() throws IOException {
    byte[] data = bytes(1000);
    write(path("read.bin"), data);
    proxy.add(Rule.on("GET", ".*/read\\.bin", Fault.status(500, "InternalError")).nth(1));

    assertArrayEquals(data, read(path("read.bin")));
    List<Exchange> gets = exchanges("GET", "read.bin");
    assertEquals(2, gets.size(), gets.toString());
    assertEquals(500, gets.get(0).fault().status());
    assertEquals(206, gets.get(1).upstreamStatus());
  }

  @Test
  void aFailedPartUploadIsRetriedAndTheMultipartFileIsWhole() throws IOException {
    byte[] data = bytes(11 * 1024 * 1024);
    proxy.add(Rule.on("PUT", ".*/parts\\.bin\\?partNumber=2&.*",
        Fault.status(500, "InternalError")).nth(1));
    write(path("parts.bin"), data);

    assertArrayEquals(data, read(path("parts.bin")));
    assertEquals(1, proxy.faults().size());
    assertEquals(2, count(proxy.exchanges(), "PUT", ".*/parts\\.bin\\?partNumber=2&.*"));
  }

  @Test
  void aConnectionResetBeforeThePutIsRetried() throws IOException {
    proxy.add(Rule.on("PUT", ".*/reset\\.txt", Fault.resetBeforeForwarding()).nth(1));
    byte[] data = "after a reset".getBytes(StandardCharsets.UTF_8);
    write(path("reset.txt"), data);

    assertArrayEquals(data, read(path("reset.txt")));
    List<Exchange> puts = exchanges("PUT", "reset.txt");
    assertEquals(List.of(0, 200), puts.stream().map(Exchange::upstreamStatus).toList());
  }

  @Test
  void aReadStalledPastTheSocketTimeoutIsAbandonedAndRetried() throws IOException {
    byte[] data = bytes(100);
    write(path("slow.bin"), data);
    // Far longer than the test: the stalled GET never reaches the server, close() interrupts it.
    proxy.add(Rule.on("GET", ".*/slow\\.bin", Fault.delay(60_000)).nth(1));
    long start = System.nanoTime();

    assertArrayEquals(data, read(path("slow.bin")));
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(SOCKET_TIMEOUT) >= 0,
        "the client waited out its socket timeout");
    List<Exchange> gets = exchanges("GET", "slow.bin");
    assertEquals(1, gets.size(), "only the retry has finished: " + gets);
    assertEquals(206, gets.get(0).upstreamStatus());
  }

  /** S3A sends Content-Length bodies only, so chunked requests are checked with the JDK client. */
  @Test
  void chunkedBodiesBothWaysAndExpectContinuePassThroughUnchanged() throws Exception {
    List<String> seenEncodings = new CopyOnWriteArrayList<>();
    HttpServer echo =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    echo.createContext("/", ex -> {
      seenEncodings.add(ex.getRequestHeaders().getFirst("Transfer-Encoding"));
      byte[] body = ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(200, 0); // 0: a chunked response
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    echo.start();
    URI echoUri = URI.create("http://127.0.0.1:" + echo.getAddress().getPort());
    try (FaultProxy direct = new FaultProxy(echoUri)) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (int i = 0; i < 2; i++) { // the JDK client sends the second on the kept-alive connection
        byte[] body = bytes(70_000 + i);
        HttpRequest request = HttpRequest.newBuilder(URI.create(direct.endpoint() + "/b/k" + i))
            .expectContinue(true).timeout(Duration.ofSeconds(10))
            .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .build();
        HttpResponse<byte[]> response =
            client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals("chunked", response.headers().firstValue("Transfer-Encoding").orElse(null));
        assertArrayEquals(body, response.body());
      }
      assertEquals(List.of("chunked", "chunked"), seenEncodings);
      assertEquals(List.of("/b/k0", "/b/k1"),
          direct.exchanges().stream().map(Exchange::target).toList());
    } finally {
      echo.stop(0);
    }
  }

  Path path(String name) {
    return new Path(dir, name);
  }

  void write(Path p, byte[] data) throws IOException {
    try (FSDataOutputStream out = fs.create(p, true)) {
      out.write(data);
    }
  }

  /** As the sink's ConditionalS3LogStore creates a commit file: a PUT with If-None-Match: *. */
  void createIfAbsent(Path p, byte[] data) throws IOException {
    FSDataOutputStreamBuilder<?, ?> builder = fs.createFile(p);
    builder.overwrite(false);
    builder.must("fs.option.create.conditional.overwrite", true);
    try (FSDataOutputStream out = builder.build()) {
      out.write(data);
    }
  }

  byte[] read(Path p) throws IOException {
    try (FSDataInputStream in = fs.open(p)) {
      return in.readAllBytes();
    }
  }

  List<Exchange> exchanges(String method, String name) {
    return proxy.exchanges().stream().filter(e -> e.method().equals(method)
        && e.target().equals("/" + BUCKET + dir + "/" + name)).toList();
  }

  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  static long count(List<Exchange> seen, String method, String targetRegex) {
    return seen.stream()
        .filter(e -> e.method().equals(method) && e.target().matches(targetRegex)).count();
  }
}
