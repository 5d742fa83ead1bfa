package io.github.deltaconnect.sink.gate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where gate breaches go: one structured log line each, and, when a webhook is configured, a POST
 * of a Slack-compatible JSON payload ({@code text}, plus the details under {@code deltaconnect}).
 * Webhook calls run on this task's own thread behind a bounded queue, with a timeout and retries
 * with backoff, so a slow or failing receiver never blocks a commit and never loses data (the
 * alert is what is lost, counted and logged). {@link #close} waits a bounded time for queued
 * alerts (a halt's alert must get out before the task ends), then stops the thread.
 *
 * <p>Plain {@link HttpURLConnection}, not the JDK 17 HttpClient: that one cannot be closed, and
 * its selector thread would outlive the task.
 */
public final class Alerts implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int QUEUE = 100;

  private final URI webhook;
  private final Duration timeout;
  private final int retries;
  private final Duration backoff;
  private final ThreadPoolExecutor thread;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  /** {@code webhook} null: log lines only. */
  public Alerts(URI webhook, Duration timeout, int retries, Duration backoff, String threadName) {
    this.webhook = webhook;
    this.timeout = timeout;
    this.retries = retries;
    this.backoff = backoff;
    if (webhook == null) {
      this.thread = null;
    } else {
      this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
          new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
          }, (r, executor) -> {
            failed.incrementAndGet();
            LOG.warn("Gate alert queue full ({} waiting): an alert was not sent to the webhook"
                + " (it is in the log)", QUEUE);
          });
    }
  }

  /**
   * Reports a breach: logs the payload as one line and queues the webhook call.
   *
   * @param committed whether the batch was committed (alert) or not (halt_and_alert)
   */
  public void breach(String table, String connector, int task, GateDecision decision,
      String offsets, boolean committed) {
    ObjectNode payload = payload(table, connector, task, decision, offsets, committed);
    String line = payload.toString();
    if (committed) {
      LOG.warn("Quality gate alert: {}", line);
    } else {
      LOG.error("Quality gate halt: {}", line);
    }
    if (thread != null) {
      thread.execute(() -> post(line));
    }
  }

  /**
   * Reports that {@code table} broke its freshness SLA ({@code breached}) or is fresh again: one
   * log line and the webhook call, as for gate breaches.
   */
  public void freshness(String table, String connector, int task, boolean breached,
      long freshnessMs, long waitingMs, long slaMs) {
    ObjectNode root = JSON.createObjectNode();
    root.put("text", (breached ? "Freshness SLA breached" : "Freshness SLA met again") + " on "
        + table + " (connector " + connector + ", task " + task + "): newest committed event "
        + (freshnessMs < 0 ? "none yet" : (freshnessMs / 1000) + " s old") + ", oldest waiting"
        + " record arrived " + (waitingMs < 0 ? "-" : (waitingMs / 1000) + " s ago") + ", SLA "
        + (slaMs / 1000) + " s");
    ObjectNode details = root.putObject("deltaconnect");
    details.put("table", table);
    details.put("connector", connector);
    details.put("task", task);
    details.put("sla", "freshness");
    details.put("breached", breached);
    details.put("freshnessMs", freshnessMs);
    details.put("oldestWaitingMs", waitingMs);
    details.put("slaMs", slaMs);
    String line = root.toString();
    if (breached) {
      LOG.warn("Freshness SLA alert: {}", line);
    } else {
      LOG.info("Freshness SLA cleared: {}", line);
    }
    if (thread != null) {
      thread.execute(() -> post(line));
    }
  }

  static ObjectNode payload(String table, String connector, int task, GateDecision decision,
      String offsets, boolean committed) {
    ObjectNode root = JSON.createObjectNode();
    StringBuilder text = new StringBuilder(committed ? "Quality gate alert" : "Quality gate HALT")
        .append(" on ").append(table).append(" (connector ").append(connector).append(", task ")
        .append(task).append(committed ? ", batch committed" : ", nothing committed")
        .append("): ");
    ObjectNode details = root.putObject("deltaconnect");
    details.put("table", table);
    details.put("connector", connector);
    details.put("task", task);
    details.put("committed", committed);
    details.put("offsets", offsets);
    ArrayNode breaches = details.putArray("breaches");
    for (GateDecision.Breach b : decision.breaches()) {
      ObjectNode n = breaches.addObject();
      n.put("gate", b.gate().name());
      n.put("metric", b.gate().metric().name());
      n.put("action", b.gate().action().configName());
      n.putPOJO("value", b.value());
      if (b.gate().threshold() != null) {
        n.put("threshold", b.gate().threshold());
      }
      n.put("reason", b.reason());
      text.append("gate '").append(b.gate().name()).append("' (").append(b.gate().metric().name())
          .append("): ").append(b.reason()).append("; ");
    }
    ObjectNode metrics = details.putObject("metrics");
    decision.values().forEach(metrics::putPOJO);
    root.put("text", text.append("offsets ").append(offsets).toString());
    return root;
  }

  private void post(String body) {
    long wait = backoff.toMillis();
    for (int attempt = 0; attempt <= retries; attempt++) {
      String outcome;
      try {
        int status = send(body);
        if (status / 100 == 2) {
          sent.incrementAndGet();
          return;
        }
        outcome = "HTTP " + status;
        if (status / 100 == 4 && status != 429 && status != 408) {
          break; // the receiver refuses this payload: retrying will not change its mind
        }
      } catch (IOException e) {
        outcome = e.getClass().getSimpleName(); // no message: it may carry the (secret) URL
      }
      LOG.warn("Gate alert webhook attempt {} of {} failed: {}", attempt + 1, retries + 1, outcome);
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
    failed.incrementAndGet();
    LOG.error("Gate alert not delivered to the webhook (it is in the log above)");
  }

  private int send(String body) throws IOException {
    HttpURLConnection c = (HttpURLConnection) webhook.toURL().openConnection();
    try {
      c.setConnectTimeout((int) timeout.toMillis());
      c.setReadTimeout((int) timeout.toMillis());
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json");
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

  /** Alerts the webhook accepted. */
  public long sent() {
    return sent.get();
  }

  /** Alerts that could not be delivered (refused, timed out, queue full). */
  public long failed() {
    return failed.get();
  }

  /** Waits a bounded time for queued alerts, then stops the thread. */
  @Override
  public void close() {
    if (thread == null) {
      return;
    }
    thread.shutdown();
    try {
      // One request's time: enough for the alert of a halt, queued just before; a receiver that
      // is down must not hold the task's stop (Connect gives it 5 s by default).
      if (!thread.awaitTermination(Math.min(timeout.toMillis() + 1000, 5000),
          TimeUnit.MILLISECONDS)) {
        LOG.warn("Gate alerts still queued at stop were dropped (they are in the log)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      thread.shutdownNow();
    }
  }
}
