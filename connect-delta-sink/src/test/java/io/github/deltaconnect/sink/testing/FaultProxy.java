package io.github.deltaconnect.sink.testing;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 in front of an S3 endpoint ({@link S3Server}) that makes chosen
 * requests fail the ways S3 fails in production: a 5xx, a response lost after the server acted, a
 * slow answer, a reset connection. Tests point {@code fs.s3a.endpoint} at {@link #endpoint()},
 * add {@link Rule}s, and read {@link #exchanges()} to see which faults fired.
 *
 * <p>A thread per client connection, one request at a time on it. Each forwarded request goes to a
 * fresh upstream connection and its whole response is read before relaying, so a fault can come
 * after the server acted. The proxy answers {@code Expect: 100-continue} itself and forwards
 * without it (SigV4 does not sign {@code Expect}; {@code Host} stays as the client signed it).
 * Messages are held as ISO-8859-1 strings, one char per byte, so bodies pass through unchanged.
 */
public final class FaultProxy implements AutoCloseable {
  /** Any method, for {@link Rule#on}. */
  public static final String ANY = "*";

  /** What the proxy does to a request a rule picked. */
  public record Fault(Kind kind, int status, String code, long delayMillis) {
    public enum Kind { STATUS, LOST_RESPONSE, DELAY, RESET }

    /** Answers {@code status} with an S3 error of {@code code} (SlowDown...), not forwarded. */
    public static Fault status(int status, String code) {
      return new Fault(Kind.STATUS, status, code, 0);
    }

    /** Forwards (the server acts on it), then closes the connection without a byte of answer. */
    public static Fault lostResponse() {
      return new Fault(Kind.LOST_RESPONSE, 0, null, 0);
    }

    /** Waits, then forwards and relays; the server acts on it even if the client gave up. */
    public static Fault delay(long millis) {
      return new Fault(Kind.DELAY, 0, null, millis);
    }

    /** Resets the connection (TCP RST) without forwarding. */
    public static Fault resetBeforeForwarding() {
      return new Fault(Kind.RESET, 0, null, 0);
    }
  }

  /**
   * Picks requests by method and target, {@code /bucket/key?query} percent-decoded (the query tells
   * multipart calls apart: {@code ?uploads}, {@code ?partNumber=}). A rule numbers its matches 1,
   * 2, ... and applies its fault to matches {@code from..to}: all of them unless nth or first.
   */
  public record Rule(String method, Pattern target, int from, int to, Fault fault) {
    /** {@code fault} for requests of {@code method} ({@link #ANY}: all) whose target matches. */
    public static Rule on(String method, String targetRegex, Fault fault) {
      return new Rule(method, Pattern.compile(targetRegex), 1, Integer.MAX_VALUE, fault);
    }

    public Rule nth(int n) {
      return new Rule(method, target, n, n, fault);
    }

    public Rule first(int k) {
      return new Rule(method, target, 1, k, fault);
    }

    boolean matches(String m, String t) {
      return (ANY.equals(method) || method.equalsIgnoreCase(m)) && target.matcher(t).matches();
    }
  }

  /** A request handled: no fault if forwarded untouched; status 0 if the server did not answer. */
  public record Exchange(String method, String target, Fault fault, int upstreamStatus) {}

  private record Armed(Rule rule, AtomicInteger matches) {}

  private record Response(int status, String message, boolean keepAlive) {}

  private final InetSocketAddress upstream;
  private final ServerSocket server;
  private final ExecutorService threads;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final List<Armed> rules = new ArrayList<>();
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private final List<Exchange> fired = new CopyOnWriteArrayList<>();

  /** A proxy for {@code target}, the server's {@code http://host:port}. */
  public FaultProxy(URI target) throws IOException {
    upstream = new InetSocketAddress(target.getHost(), target.getPort());
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fault-proxy");
      t.setDaemon(true); // a test that forgets close() must not keep the JVM alive
      return t;
    });
    threads.execute(this::accept);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** Adds a rule; when several match a request, the first added whose count is in range fires. */
  public synchronized FaultProxy add(Rule rule) {
    rules.add(new Armed(rule, new AtomicInteger()));
    return this;
  }

  /** Every request handled so far, in the order the proxy finished them. */
  public List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  /**
   * The requests a fault was applied to, recorded when the rule picks them (upstream status 0):
   * a delayed request still sleeping when the test asks has fired all the same.
   */
  public List<Exchange> faults() {
    return List.copyOf(fired);
  }

  private synchronized Fault decide(String method, String target) {
    Fault chosen = null;
    for (Armed a : rules) {
      if (a.rule().matches(method, target)) {
        int n = a.matches().incrementAndGet(); // counted even when an earlier rule fires
        if (chosen == null && n >= a.rule().from() && n <= a.rule().to()) {
          chosen = a.rule().fault();
        }
      }
    }
    return chosen;
  }

  private void accept() {
    try {
      while (true) {
        Socket client = server.accept();
        sockets.add(client);
        if (server.isClosed()) { // close() may have closed the sockets before this one was added
          close(client);
          return;
        }
        threads.execute(() -> serve(client));
      }
    } catch (IOException | RuntimeException e) {
      // the proxy closed (execute() rejects once it has)
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = new BufferedInputStream(client.getInputStream());
      List<String> head;
      while ((head = readHead(in, true)) != null && handle(head, in, client)) {
        // keep-alive: the next request on this connection
      }
    } catch (Exception e) {
      // the client went away, or the proxy is closing: nobody left to answer
    } finally {
      sockets.remove(client);
    }
  }

  /** Handles one request; false when the connection must close afterwards. */
  private boolean handle(List<String> head, InputStream in, Socket client)
      throws IOException, InterruptedException {
    String[] line = head.get(0).split(" ", 3);
    String method = line[0];
    // Decoded, as the SDK encodes '=' of partition directories and '/' in list prefixes.
    String target = URLDecoder.decode(line[1].replace("+", "%2B"), StandardCharsets.UTF_8);
    Fault fault = decide(method, target);
    if (fault != null) {
      fired.add(new Exchange(method, target, fault, 0));
    }
    Fault.Kind kind = fault == null ? null : fault.kind();
    boolean expect = "100-continue".equalsIgnoreCase(header(head, "Expect"));
    OutputStream out = client.getOutputStream();
    if (kind == Fault.Kind.RESET) {
      exchanges.add(new Exchange(method, target, fault, 0));
      client.setSoLinger(true, 0); // closing now sends RST, not FIN
      return false;
    }
    if (kind == Fault.Kind.STATUS) {
      // As S3 does: a client waiting for 100 Continue gets the error instead, and the connection
      // closes (the body may follow anyway); otherwise drain the body and keep the connection.
      if (!expect) {
        readBody(in, head, false);
      }
      exchanges.add(new Exchange(method, target, fault, 0));
      write(out, errorResponse(fault, method, expect));
      return !expect;
    }
    if (expect) {
      write(out, "HTTP/1.1 100 Continue\r\n\r\n");
    }
    String body = readBody(in, head, false);
    if (kind == Fault.Kind.DELAY) {
      Thread.sleep(fault.delayMillis()); // interrupted, not forwarded, if the proxy closes
    }
    Response response = null;
    try {
      response = forward(method, head, body);
    } finally { // recorded before the client sees an answer, so a test that got one sees it too
      exchanges.add(new Exchange(method, target, fault, response == null ? 0 : response.status()));
    }
    if (kind == Fault.Kind.LOST_RESPONSE) {
      return false; // the server acted on it; the client never learns
    }
    write(out, response.message());
    return response.keepAlive() && !"close".equalsIgnoreCase(header(head, "Connection"));
  }

  private Response forward(String method, List<String> head, String body) throws IOException {
    Socket up = new Socket();
    sockets.add(up); // so close() unblocks a read from a stuck server
    try (up) {
      up.connect(upstream, 5_000);
      up.setSoTimeout(30_000);
      List<String> forwarded = head.stream() // not Expect: the proxy answered it already
          .filter(h -> !h.regionMatches(true, 0, "Expect:", 0, 7)).toList();
      write(up.getOutputStream(), join(forwarded) + body);
      InputStream in = new BufferedInputStream(up.getInputStream());
      List<String> answer = readHead(in, false); // no 100 Continue: Expect was not forwarded
      int status = Integer.parseInt(answer.get(0).split(" ", 3)[1]);
      boolean noBody = method.equals("HEAD") || status == 204 || status == 304;
      String answerBody = noBody ? "" : readBody(in, answer, true);
      // A body that ends where the server closes cannot be followed by another response.
      boolean framed = noBody || header(answer, "Content-Length") != null || isChunked(answer);
      boolean keepAlive = framed && !"close".equalsIgnoreCase(header(answer, "Connection"));
      return new Response(status, join(answer) + answerBody, keepAlive);
    } finally {
      sockets.remove(up);
    }
  }

  private String errorResponse(Fault fault, String method, boolean close) {
    String id = "fault-proxy-" + exchanges.size();
    String body = method.equals("HEAD") ? "" : "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<Error><Code>" + fault.code() + "</Code><Message>Injected by FaultProxy</Message>"
        + "<RequestId>" + id + "</RequestId></Error>";
    return "HTTP/1.1 " + fault.status() + " Injected\r\nContent-Type: application/xml\r\n"
        + "x-amz-request-id: " + id + "\r\nContent-Length: " + body.length() + "\r\n"
        + (close ? "Connection: close\r\n" : "") + "\r\n" + body;
  }

  /** The start line and header lines; null if {@code eofOk} and the peer closed before one. */
  private static List<String> readHead(InputStream in, boolean eofOk) throws IOException {
    String line = readLine(in, eofOk);
    List<String> head = new ArrayList<>();
    for (; line != null && !line.isEmpty(); line = readLine(in, false)) {
      head.add(line);
    }
    return line == null ? null : head;
  }

  /**
   * A body framed by Content-Length or chunked encoding (with trailers), returned raw, chunk
   * framing included, to relay byte for byte; {@code untilEof} for a response framed by neither.
   */
  private static String readBody(InputStream in, List<String> head, boolean untilEof)
      throws IOException {
    String length = header(head, "Content-Length");
    if (!isChunked(head)) {
      return length != null ? readExactly(in, Long.parseLong(length))
          : untilEof ? new String(in.readAllBytes(), StandardCharsets.ISO_8859_1) : "";
    }
    StringBuilder raw = new StringBuilder();
    long size;
    do {
      String sizeLine = readLine(in, false);
      size = Long.parseLong(sizeLine.split(";", 2)[0].trim(), 16);
      raw.append(sizeLine).append("\r\n").append(readExactly(in, size > 0 ? size + 2 : 0));
    } while (size > 0); // each chunk's data is followed by CRLF, read with it
    String trailer;
    do {
      trailer = readLine(in, false);
      raw.append(trailer).append("\r\n");
    } while (!trailer.isEmpty());
    return raw.toString();
  }

  private static String readExactly(InputStream in, long n) throws IOException {
    byte[] b = in.readNBytes(Math.toIntExact(n));
    if (b.length < n) {
      throw new EOFException((n - b.length) + " body bytes missing");
    }
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  private static boolean isChunked(List<String> head) { // chunked is always the last coding
    return String.valueOf(header(head, "Transfer-Encoding")).toLowerCase(Locale.ROOT)
        .endsWith("chunked");
  }

  private static String header(List<String> head, String name) {
    return head.stream().skip(1).filter(h -> h.regionMatches(true, 0, name + ":", 0,
        name.length() + 1)).map(h -> h.substring(name.length() + 1).trim()).findFirst()
        .orElse(null);
  }

  /** A line without its CRLF; null at the end of the stream if {@code eofOk}. */
  private static String readLine(InputStream in, boolean eofOk) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        if (eofOk && line.isEmpty()) {
          return null;
        }
        throw new EOFException("connection closed inside a message");
      }
      line.append((char) b);
    }
    return line.toString().stripTrailing(); // the CR; no header value needs trailing blanks
  }

  private static String join(List<String> head) {
    return String.join("\r\n", head) + "\r\n\r\n";
  }

  private static void write(OutputStream out, String message) throws IOException {
    out.write(message.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() throws Exception {
    server.close();
    threads.shutdownNow(); // interrupts delays
    sockets.forEach(FaultProxy::close); // unblocks reads from clients and the server
    threads.awaitTermination(5, TimeUnit.SECONDS);
  }
}
