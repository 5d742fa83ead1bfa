package io.github.deltaconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.e2e.demo.DemoReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's run command in its short mode: same code path, same pipeline file. */
class DemoIT {
  @TempDir
  Path tmp;

  @Test
  void theRunCommandAccountsForEveryRecordAndShowsContractsGatesAndQuarantine() throws Exception {
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    Demo.Outcome outcome = Demo.run(new Demo.Options(tmp, 3, 400, false, Duration.ofMinutes(3)),
        new PrintStream(progress, true));
    DemoReport r = outcome.events();
    String summary = outcome.render();
    assertTrue(r.balanced(), summary);
    assertTrue(progress.toString().contains("created connector events-curated"),
        progress.toString());
    assertTrue(progress.toString().contains("produced"), progress.toString());
    // The burst without user_id tripped the quarantine gate; nothing else did.
    assertTrue(r.quarantineRows() >= 300 - 10, summary);
    // Each kind of bad record reached the DLQ under its own reason.
    assertTrue(r.dlqByReason().containsKey("converter: not valid JSON"), summary);
    assertTrue(r.dlqByReason().containsKey("quality rule failed: amount_not_negative"), summary);
    assertTrue(r.dlqByReason().keySet().stream().anyMatch(k -> k.startsWith("sink (TASK_PUT)")
        && k.contains("user_id")), summary);
    assertEquals(r.producedByKind().get("not JSON"),
        r.dlqByReason().get("converter: not valid JSON"), summary);
    assertTrue(r.droppedByRules() > 0 && r.duplicatesLeftOut() > 0, summary);
    assertTrue(r.rowsWithChannel() > 0, "the compatible change added a column: " + summary);
    assertTrue(r.lastCommits().stream().anyMatch(l -> l.contains("null_rate_user_id")),
        summary);
    assertTrue(summary.contains("== produced"), summary);

    // Orders: the contract refused each kind of bad record with its reason; the replay of the
    // last day under contract v2 added exactly that day's large orders, each order once.
    Demo.OrdersRun orders = outcome.orders();
    assertTrue(orders.ok(), summary);
    assertTrue(orders.dlqByReason().keySet().containsAll(java.util.Set.of(
        "[RULE_FAILED] rule amountCap", "[NOT_WIRE_FORMAT]", "[CORRUPT]")), summary);
    assertTrue(orders.largeByDay().get("day 3") > 0, summary);
    assertEquals(orders.rowsPerDayBefore().get("day 1"), orders.rowsPerDayAfter().get("day 1"));
    assertTrue(progress.toString().contains("~ value.converter.contract.file"), progress.toString());
  }
}
