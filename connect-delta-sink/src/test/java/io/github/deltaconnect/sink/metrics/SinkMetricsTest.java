package io.github.deltaconnect.sink.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.commit.DeltaTable;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.route.TableRouter;
import io.github.deltaconnect.sink.testing.FakeContext;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.DynamicMBean;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The task's JMX figures against what a router was given and what its tables hold. */
class SinkMetricsTest {
  static final Schema ROW = SchemaBuilder.struct().name("Row")
      .field("id", Schema.STRING_SCHEMA)
      .field("tenant", Schema.OPTIONAL_STRING_SCHEMA)
      .field("n", Schema.INT32_SCHEMA).build();
  static final Schema WIDER = SchemaBuilder.struct().name("Row")
      .field("id", Schema.STRING_SCHEMA)
      .field("tenant", Schema.OPTIONAL_STRING_SCHEMA)
      .field("n", Schema.INT32_SCHEMA)
      .field("extra", Schema.OPTIONAL_STRING_SCHEMA).build();
  static final Schema WRONG = SchemaBuilder.struct().name("Row")
      .field("id", Schema.STRING_SCHEMA)
      .field("tenant", Schema.OPTIONAL_STRING_SCHEMA)
      .field("n", Schema.STRING_SCHEMA).build();

  final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
  final List<ObjectName> fakes = new ArrayList<>();
  final AtomicLong clock = new AtomicLong(1_000_000);
  @TempDir
  Path dir;

  @AfterEach
  void unregisterFakes() throws Exception {
    for (ObjectName n : fakes) {
      server.unregisterMBean(n);
    }
  }

  TableRouter router(String connector, SinkMetrics metrics, FakeContext ctx, String... extra) {
    Map<String, String> p = new HashMap<>();
    p.put(DeltaSinkConfig.TABLE_LOCATION, dir.resolve("t").toString());
    p.put(DeltaSinkConfig.FLUSH_SIZE, "1000000");
    for (int i = 0; i < extra.length; i += 2) {
      p.put(extra[i], extra[i + 1]);
    }
    DeltaSinkConfig config = new DeltaSinkConfig(p);
    metrics.register(connector, 0);
    return new TableRouter(config, ctx, DeltaTable.open(config, dir.resolve("root").toString()),
        connector, 0, metrics, clock::get);
  }

  static SinkRecord record(Schema schema, long offset, Object n) {
    Struct v = new Struct(schema).put("id", "r" + offset).put("n", n);
    return new SinkRecord("events", 0, null, null, schema, v, offset);
  }

  ObjectName partitionBean(String connector) throws Exception {
    return new ObjectName("io.github.deltaconnect:type=delta-sink-partition-metrics,connector=\""
        + connector + "\",task=0,topic=\"events\",partition=0");
  }

  long attr(ObjectName bean, String name) throws Exception {
    return ((Number) server.getAttribute(bean, name)).longValue();
  }

  /** Stands in for the worker's consumer metrics, whose attribute names JMX beans cannot spell. */
  void fakeConsumerBean(String name, String attribute, double value) throws Exception {
    ObjectName n = new ObjectName(name);
    server.registerMBean(new DynamicMBean() {
      @Override
      public Object getAttribute(String a) {
        return attribute.equals(a) ? value : null;
      }

      @Override
      public void setAttribute(Attribute a) {}

      @Override
      public AttributeList getAttributes(String[] names) {
        return new AttributeList();
      }

      @Override
      public AttributeList setAttributes(AttributeList list) {
        return list;
      }

      @Override
      public Object invoke(String op, Object[] params, String[] sig) {
        return null;
      }

      @Override
      public MBeanInfo getMBeanInfo() {
        return new MBeanInfo(getClass().getName(), "fake consumer metrics", null, null, null, null);
      }
    }, n);
    fakes.add(n);
  }

  @Test
  void partitionGaugesFollowWhatWasReadWhatTheTableHoldsAndTheLogEnd() throws Exception {
    String connector = "metrics-partition";
    TopicPartition tp = new TopicPartition("events", 0);
    // The worker's consumer says 40 records lie past its position (the offset after the last read).
    fakeConsumerBean("kafka.consumer:type=consumer-fetch-manager-metrics,client-id=connector-consumer-"
        + connector + "-0,topic=events,partition=0", "records-lag", 40.0);
    fakeConsumerBean("kafka.consumer:type=consumer-fetch-manager-metrics,client-id=connector-consumer-"
        + connector + "-0", "bytes-consumed-total", 12_345.0);
    SinkMetrics metrics = new SinkMetrics();
    TableRouter first = router(connector, metrics, new FakeContext(true));
    first.open(List.of(tp));
    ObjectName bean = partitionBean(connector);
    assertEquals(-1, attr(bean, "TableOffset"), "no table yet");
    List<SinkRecord> batch = new ArrayList<>();
    for (long o = 0; o < 25; o++) {
      batch.add(record(ROW, o, (int) o));
    }
    first.put(batch);
    assertEquals(24, attr(bean, "LastReadOffset"));
    assertEquals(25, attr(bean, "PendingRecords"));
    assertEquals(25 + 40, attr(bean, "LogEndOffset"));
    first.close(List.of(tp)); // commits offsets 0..24
    assertFalse(server.isRegistered(bean), "a revoked partition's gauges go");

    first.open(List.of(tp));
    assertEquals(25, attr(bean, "TableOffset"), "read back from the table at open");
    assertEquals(25 + 40, attr(bean, "LogEndOffset"), "nothing read yet: the consumer is at 25");
    assertEquals(40, attr(bean, "Lag"));
    List<SinkRecord> more = new ArrayList<>();
    for (long o = 25; o < 30; o++) {
      more.add(record(ROW, o, (int) o));
    }
    first.put(more);
    assertEquals(5, attr(bean, "PendingRecords"));
    assertEquals(5 + 40, attr(bean, "Lag"), "log end 70 minus the table's 25");
    first.preCommit(Map.of(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(30)));
    assertEquals(12_345, metrics.getBytesIn());
    first.stop();
    assertFalse(server.isRegistered(bean));
  }

  @Test
  void unknownConsumerMetricsReadAsMinusOneNotAsZero() throws Exception {
    String connector = "metrics-no-consumer";
    SinkMetrics metrics = new SinkMetrics();
    TableRouter router = router(connector, metrics, new FakeContext(true));
    TopicPartition tp = new TopicPartition("events", 0);
    router.open(List.of(tp));
    router.put(List.of(record(ROW, 0, 1)));
    ObjectName bean = partitionBean(connector);
    assertEquals(-1, attr(bean, "LogEndOffset"));
    assertEquals(-1, attr(bean, "Lag"));
    assertEquals(-1, metrics.getBytesIn());
    router.stop();
  }

  @Test
  void dlqCountsByReasonAddUpAndTheQualityScoreIsTheShareThatReachedTheTable() throws Exception {
    SinkMetrics metrics = new SinkMetrics();
    FakeContext ctx = new FakeContext(true);
    TableRouter router = router("metrics-dlq", metrics, ctx,
        DeltaSinkConfig.TOMBSTONE_BEHAVIOR, "dlq", DeltaSinkConfig.FLUSH_SIZE, "10");
    TopicPartition tp = new TopicPartition("events", 0);
    router.open(List.of(tp));
    assertEquals(1.0, metrics.getDataQualityScore(), "nothing received yet");
    List<SinkRecord> batch = new ArrayList<>();
    long o = 0;
    for (int i = 0; i < 40; i++) {
      batch.add(record(ROW, o++, i));
    }
    batch.add(record(WIDER, o++, 1)); // a field the table lacks
    batch.add(record(WIDER, o++, 2));
    batch.add(record(WRONG, o++, "three")); // text where the table has an int
    batch.add(new SinkRecord("events", 0, null, null, null, null, o++)); // a tombstone
    router.put(batch);
    router.close(List.of(tp));
    assertEquals(44, metrics.getRecordsReceived());
    assertEquals(2, metrics.getRecordsToDlqByUnknownField());
    assertEquals(1, metrics.getRecordsToDlqByConversion());
    assertEquals(1, metrics.getRecordsToDlqByTombstone());
    assertEquals(0, metrics.getRecordsToDlqByRouting() + metrics.getRecordsToDlqByChangeEvent());
    assertEquals(4, metrics.getRecordsToDlq());
    assertEquals(ctx.dlq.size(), metrics.getRecordsToDlq());
    assertEquals(40, metrics.getRecordsWritten());
    assertEquals(40.0 / 44, metrics.getDataQualityScore(), 1e-9);
    // Four commits of 10 rows and the close's (the DLQ'd offsets): fewer than 100 samples, so
    // the 99th percentile is the largest.
    assertEquals(5, metrics.getCommits());
    assertTrue(metrics.getCommitLatencyP50Ms() <= metrics.getCommitLatencyP99Ms());
    assertEquals(metrics.getMaxCommitMs(), metrics.getCommitLatencyP99Ms());
    assertEquals(metrics.getBytesWritten() / metrics.getFilesWritten(),
        metrics.getMeanFileBytes());
    router.stop();
  }

  @Test
  void routingFailuresAreCountedUnderTheirReason() {
    SinkMetrics metrics = new SinkMetrics();
    FakeContext ctx = new FakeContext(true);
    TableRouter router = router("metrics-routing", metrics, ctx,
        DeltaSinkConfig.TABLE_LOCATION, dir.resolve("by/${route}").toString(),
        DeltaSinkConfig.ROUTE_FIELD, "tenant");
    TopicPartition tp = new TopicPartition("events", 0);
    router.open(List.of(tp));
    Struct bad = new Struct(ROW).put("id", "x").put("n", 1).put("tenant", "../etc");
    Struct good = new Struct(ROW).put("id", "y").put("n", 2).put("tenant", "acme");
    router.put(List.of(new SinkRecord("events", 0, null, null, ROW, bad, 0),
        new SinkRecord("events", 0, null, null, ROW, good, 1)));
    assertEquals(1, metrics.getRecordsToDlqByRouting());
    assertEquals(1, ctx.dlq.size());
    router.stop();
  }
}
