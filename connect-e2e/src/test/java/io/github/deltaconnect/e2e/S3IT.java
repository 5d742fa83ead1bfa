package io.github.deltaconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.testing.S3Server;
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

/**
 * The packaged plugin in a Connect cluster writing to S3 through Hadoop S3A, against an S3 server in
 * this JVM (S3Proxy), read back through an independent Delta reader over S3A.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3IT {
  S3Server s3;
  EmbeddedConnectCluster connect;

  @BeforeAll
  void start() throws Exception {
    s3 = new S3Server();
    s3.createBucket("lake");
    connect = ConnectHarness.start("s3", 2);
  }

  @AfterAll
  void stop() throws Exception {
    connect.stop();
    s3.close();
  }

  @Test
  void twoWorkersLandEveryRecordOnceInAnS3Table() throws Exception {
    String location = "s3a://lake/bronze/events";
    connect.kafka().createTopic("s3-events", 4);
    connect.kafka().createTopic("s3-events-dlq", 1);
    List<String> expected = new ArrayList<>();
    try (Producer producer = new Producer(connect)) {
      for (int p = 0; p < 4; p++) {
        for (long seq = 0; seq < 400; seq++) {
          producer.send("s3-events", p, Events.id(p, seq), Events.good(p, seq));
          expected.add(Events.id(p, seq));
        }
      }
    }
    Map<String, String> config = ConnectHarness.sinkConfig("s3-events", Path.of("unused"),
        "s3-events-dlq");
    config.put("delta.table.location", location);
    config.put("tasks.max", "4");
    config.put("delta.flush.size", "250");
    s3.s3aSettings().forEach((k, v) -> config.put("hadoop." + k, v));
    connect.configureConnector("s3-sink", config);

    Tables.awaitStoredOffsets(() -> new TableReader(location, s3.hadoopConf()), "s3-sink",
        "s3-events", 4, 399);
    Tables.assertExactlyOnce(new TableReader(location, s3.hadoopConf()), expected);
    assertTrue(s3.puts().stream().anyMatch(put -> put.key().startsWith("bronze/events/_delta_log/")
        && put.key().endsWith(".json") && "*".equals(put.ifNoneMatch())),
        "commit files went through conditional PUTs");
    connect.deleteConnector("s3-sink");
  }
}
