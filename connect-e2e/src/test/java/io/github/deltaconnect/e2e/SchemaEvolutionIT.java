package io.github.deltaconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A producer adds an optional field mid-stream: the table grows a column, nothing is lost. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchemaEvolutionIT {
  @TempDir
  Path tmp;
  EmbeddedConnectCluster connect;

  @BeforeAll
  void start() throws InterruptedException {
    connect = ConnectHarness.start("schema-evolution", 1);
  }

  @AfterAll
  void stop() {
    connect.stop();
  }

  @Test
  void aNewOptionalFieldAddsAColumnWhileTwoTasksWrite() throws Exception {
    Path table = tmp.resolve("evolving");
    connect.kafka().createTopic("evolving", 2);
    connect.kafka().createTopic("evolving-dlq", 1);
    List<String> expected = new ArrayList<>();
    try (Producer producer = new Producer(connect)) {
      for (int p = 0; p < 2; p++) {
        for (long seq = 0; seq < 300; seq++) {
          String value = seq < 150 ? Events.good(p, seq) : Events.goodWithChannel(p, seq);
          producer.send("evolving", p, Events.id(p, seq), value);
          expected.add(Events.id(p, seq));
        }
      }
    }
    Map<String, String> config = ConnectHarness.sinkConfig("evolving", table, "evolving-dlq");
    config.put("delta.schema.evolution", "add-columns");
    config.put("delta.flush.size", "100");
    connect.configureConnector("evolving-sink", config);
    Tables.awaitStoredOffsets(table, "evolving-sink", "evolving", 2, 299);

    Tables.assertExactlyOnce(table, expected);
    for (Map<String, Object> row : new TableReader(Tables.uri(table)).rows()) {
      long seq = Long.parseLong(((String) row.get("event_id")).split("-")[2]);
      if (seq < 150) {
        assertNull(row.get("channel"), row.toString());
      } else {
        assertEquals("ch-" + seq, row.get("channel"), row.toString());
      }
    }
    connect.deleteConnector("evolving-sink");
  }
}
