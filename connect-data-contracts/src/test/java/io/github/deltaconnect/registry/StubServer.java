package io.github.deltaconnect.registry;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/** A loopback HTTP(S) server that answers with a function and records what it was asked. */
final class StubServer implements AutoCloseable {
  record Seen(String method, String rawPath, String rawQuery, com.sun.net.httpserver.Headers headers, String body) {
    String header(String name) {
      return headers.getFirst(name);
    }
  }

  record Reply(int status, String body) {
    static Reply json(String body) {
      return new Reply(200, body);
    }

    static Reply error(int status, int errorCode, String message) {
      return new Reply(status, "{\"error_code\":" + errorCode + ",\"message\":\"" + message + "\"}");
    }

    /** Never answers until the server closes; for timeouts. */
    static Reply hang() {
      return new Reply(-1, null);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);

  StubServer(Function<Seen, Reply> responder) throws IOException {
    this(responder, null, false);
  }

  StubServer(Function<Seen, Reply> responder, SSLContext tls, boolean needClientAuth)
      throws IOException {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (tls == null) {
      server = HttpServer.create(address, 0);
    } else {
      HttpsServer https = HttpsServer.create(address, 0);
      https.setHttpsConfigurator(
          new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
              // Through SSLParameters: the JDK ignores setNeedClientAuth on the params alone.
              SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
              ssl.setNeedClientAuth(needClientAuth);
              params.setSSLParameters(ssl);
            }
          });
      server = https;
    }
    server.setExecutor(executor);
    server.createContext(
        "/",
        exchange -> {
          Seen request =
              new Seen(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getRawPath(),
                  exchange.getRequestURI().getRawQuery(),
                  exchange.getRequestHeaders(),
                  new String(exchange.getRequestBody().readAllBytes(), UTF_8));
          seen.add(request);
          Reply reply = responder.apply(request);
          if (reply.status() < 0) {
            try {
              closed.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
          }
          byte[] body = reply.body() == null ? new byte[0] : reply.body().getBytes(UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
          exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  URI url() {
    String scheme = server instanceof HttpsServer ? "https" : "http";
    return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
  }

  List<Seen> requests() {
    return List.copyOf(seen);
  }

  /** A loopback URL where nothing listens: connections are refused. */
  static URI deadUrl() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
