package io.github.deltaconnect.sink.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs a JSON body with a timeout and retries with backoff. Plain {@link HttpURLConnection}, not
 * the JDK 17 HttpClient: that one cannot be closed, and its selector thread would outlive the
 * task. Failures are described without the URL (it may carry a token).
 */
public final class JsonPost {
  private static final Logger LOG = LoggerFactory.getLogger(JsonPost.class);

  private final URI url;
  private final Duration timeout;
  private final int retries;
  private final Duration backoff;
  private final Optional<String> bearer;
  private final String what;
  private final boolean logAttempts;

  /**
   * {@code what} names the calls in log lines ("Gate alert webhook"); {@code logAttempts}: a WARN
   * line per failed attempt (else the caller logs the outcome).
   */
  public JsonPost(URI url, Duration timeout, int retries, Duration backoff,
      Optional<String> bearer, String what, boolean logAttempts) {
    this.url = url;
    this.timeout = timeout;
    this.retries = retries;
    this.backoff = backoff;
    this.bearer = bearer;
    this.what = what;
    this.logAttempts = logAttempts;
  }

  /** Empty when the receiver accepted the body (2xx); otherwise what each attempt got. */
  public Optional<String> post(String body) {
    long wait = backoff.toMillis();
    List<String> outcomes = new ArrayList<>();
    for (int attempt = 0; attempt <= retries; attempt++) {
      String outcome;
      try {
        int status = send(body);
        if (status / 100 == 2) {
          return Optional.empty();
        }
        outcome = "HTTP " + status;
        outcomes.add(outcome);
        if (status / 100 == 4 && status != 429 && status != 408) {
          break; // the receiver refuses this payload: retrying will not change its mind
        }
      } catch (IOException e) {
        outcome = e.getClass().getSimpleName(); // no message: it may carry the (secret) URL
        outcomes.add(outcome);
      }
      if (logAttempts) {
        LOG.warn("{} attempt {} of {} failed: {}", what, attempt + 1, retries + 1, outcome);
      }
      if (attempt < retries) {
        try {
          Thread.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        wait = Math.min(wait * 2, 30_000);
      }
    }
    return Optional.of(String.join(", ", outcomes));
  }

  private int send(String body) throws IOException {
    HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
    try {
      c.setConnectTimeout((int) timeout.toMillis());
      c.setReadTimeout((int) timeout.toMillis());
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json");
      bearer.ifPresent(token -> c.setRequestProperty("Authorization", "Bearer " + token));
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      c.setFixedLengthStreamingMode(bytes.length);
      try (OutputStream out = c.getOutputStream()) {
        out.write(bytes);
      }
      int status = c.getResponseCode();
      try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
        if (in != null) {
          in.readAllBytes(); // drain, so the connection can be reused
        }
      }
      return status;
    } finally {
      c.disconnect();
    }
  }
}
