package io.github.deltaconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's run command, on a smaller scale: same code path, same config example. */
class DemoIT {
  @TempDir
  Path tmp;

  @Test
  void theRunCommandLandsTheSampleEventsAndAccountsForEveryRecord() throws Exception {
    Demo.Result r = Demo.run(tmp.resolve("demo/events"), 600, Duration.ofMinutes(3));
    // 600 per partition: seq 250 is not JSON, seq 400 has an unknown field, 4 partitions.
    assertEquals(2400, r.produced());
    assertEquals(8, r.dlq());
    assertEquals(2392, r.table().rows());
    assertTrue(r.balanced());
    assertEquals(4, r.table().storedOffsets().size());
    assertTrue(r.table().render().contains("partition_date=2026-11-27/region=eu-west"),
        r.table().render());
  }
}
