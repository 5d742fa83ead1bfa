package io.github.deltaconnect.sink.gate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.deltaconnect.sink.delivery.JsonPost;
import io.github.deltaconnect.sink.delivery.Outbox;
import java.net.URI;
import java.time.Duration;
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
 * <p>Calls go through {@link JsonPost} (no client thread outlives the task) on an {@link Outbox}.
 */
public final class Alerts implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int QUEUE = 100;

  private final JsonPost webhook;
  /** Null without a webhook: log lines only. */
  private final Outbox outbox;

  /** {@code webhook} null: log lines only. */
  public Alerts(URI webhook, Duration timeout, int retries, Duration backoff, String threadName) {
    this.webhook = webhook == null ? null : new JsonPost(webhook, timeout, retries, backoff,
        java.util.Optional.empty(), "Gate alert webhook", true);
    // At stop, one request's time: enough for the alert of a halt, queued just before; a
    // receiver that is down must not hold the task's stop (Connect gives it 5 s by default).
    this.outbox = webhook == null ? null : new Outbox(threadName, QUEUE,
        Duration.ofMillis(Math.min(timeout.toMillis() + 1000, 5000)));
  }

  private void queue(String body) {
    if (outbox != null && !outbox.submit(() -> deliver(body))) {
      LOG.warn("Gate alert queue full ({} waiting): an alert was not sent to the webhook"
          + " (it is in the log)", QUEUE);
    }
  }

  private boolean deliver(String body) {
    java.util.Optional<String> failure = webhook.post(body);
    failure.ifPresent(f -> LOG.error("Gate alert not delivered to the webhook ({}; it is in the"
        + " log above)", f));
    return failure.isEmpty();
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
    queue(line);
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
    queue(line);
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

  /** Alerts the webhook accepted. */
  public long sent() {
    return outbox == null ? 0 : outbox.sent();
  }

  /** Alerts that could not be delivered (refused, timed out, queue full). */
  public long failed() {
    return outbox == null ? 0 : outbox.failed();
  }

  /** Waits a bounded time for queued alerts, then stops the thread. */
  @Override
  public void close() {
    if (outbox != null && !outbox.drain()) {
      LOG.warn("Gate alerts still queued at stop were dropped (they are in the log)");
    }
  }
}
