package io.github.deltaconnect.bench.quality;

import io.github.deltaconnect.quality.QualityRules;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.sink.SinkRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The quality transform on the benchmark events (the converter benchmark's six fields), one
 * thread: five rules (not_null, range, regex, allowed values, one CEL expression) on Structs and
 * on schemaless Maps; every record passes, as most do in production, so the measured path is the
 * checking, not exception handling.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class QualityRulesBenchmark {
  static final int DISTINCT = 1024;
  static final String[] REGIONS = {"eu-west", "us-east", "ap-south", "sa-east"};
  static final String[] SOURCES = {"web", "pos", "mobile"};
  static final Schema EVENT = SchemaBuilder.struct().name("bench.Event")
      .field("event_id", Schema.STRING_SCHEMA)
      .field("source_system", Schema.STRING_SCHEMA)
      .field("user_id", Schema.INT64_SCHEMA)
      .field("region", Schema.OPTIONAL_STRING_SCHEMA)
      .field("event_ts", Timestamp.SCHEMA)
      .field("amount", Schema.FLOAT64_SCHEMA)
      .build();

  /** The five rules of the benchmark. */
  static Map<String, String> fiveRules() {
    Map<String, String> p = new HashMap<>();
    p.put("rules", "id_present,amount_range,id_shape,known_source,cel_rule");
    p.put("rule.id_present.type", "not_null");
    p.put("rule.id_present.field", "event_id");
    p.put("rule.amount_range.type", "range");
    p.put("rule.amount_range.field", "amount");
    p.put("rule.amount_range.min", "0");
    p.put("rule.amount_range.max", "1000000");
    p.put("rule.id_shape.type", "regex");
    p.put("rule.id_shape.field", "event_id");
    p.put("rule.id_shape.pattern", "e-[0-9]+");
    p.put("rule.known_source.type", "allowed");
    p.put("rule.known_source.field", "source_system");
    p.put("rule.known_source.values", String.join(",", SOURCES));
    p.put("rule.cel_rule.type", "cel");
    p.put("rule.cel_rule.expr", "message.amount < 100000.0 || message.source_system == 'pos'");
    return p;
  }

  @State(Scope.Thread)
  public static class Records {
    SinkRecord[] structs = new SinkRecord[DISTINCT];
    SinkRecord[] maps = new SinkRecord[DISTINCT];
    QualityRules<SinkRecord> onStructs = new QualityRules.Value<>();
    QualityRules<SinkRecord> onMaps = new QualityRules.Value<>();
    QualityRules<SinkRecord> withoutCel = new QualityRules.Value<>();
    int next;

    @Setup(Level.Trial)
    public void setUp() {
      Random random = new Random(42);
      long now = System.currentTimeMillis();
      for (int i = 0; i < DISTINCT; i++) {
        String id = "e-" + (1_000_000 + i);
        String source = SOURCES[i % SOURCES.length];
        long user = random.nextInt(100_000);
        String region = i % 10 == 0 ? null : REGIONS[i % REGIONS.length];
        long ts = now - random.nextInt(3_600_000);
        double amount = Math.round(random.nextDouble() * 50_000) / 100.0;
        Struct s = new Struct(EVENT).put("event_id", id).put("source_system", source)
            .put("user_id", user).put("region", region).put("event_ts", new Date(ts))
            .put("amount", amount);
        structs[i] = new SinkRecord("events", 0, null, null, EVENT, s, i);
        Map<String, Object> m = new HashMap<>();
        m.put("event_id", id);
        m.put("source_system", source);
        m.put("user_id", user);
        m.put("region", region);
        m.put("event_ts", ts);
        m.put("amount", amount);
        maps[i] = new SinkRecord("events", 0, null, null, null, m, i);
      }
      onStructs.configure(fiveRules());
      onMaps.configure(fiveRules());
      Map<String, String> four = fiveRules();
      four.put("rules", "id_present,amount_range,id_shape,known_source");
      four.keySet().removeIf(k -> k.startsWith("rule.cel_rule."));
      withoutCel.configure(four);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      // Each benchmark method drives one of the transforms, so one trial sees records in one.
      long passed = onStructs.metrics().getPassed() + onMaps.metrics().getPassed()
          + withoutCel.metrics().getPassed();
      long failed = onStructs.metrics().getFailed() + onMaps.metrics().getFailed()
          + withoutCel.metrics().getFailed();
      if (passed == 0 || failed > 0) {
        throw new IllegalStateException("every benchmark record should pass its rules");
      }
      onStructs.close();
      onMaps.close();
      withoutCel.close();
    }
  }

  @Benchmark
  public SinkRecord fiveRulesOnStructs(Records r) {
    int i = r.next++ & (DISTINCT - 1);
    return r.onStructs.apply(r.structs[i]);
  }

  /** The same without the CEL rule: what the four simple rules cost on their own. */
  @Benchmark
  public SinkRecord fourRulesWithoutCelOnStructs(Records r) {
    int i = r.next++ & (DISTINCT - 1);
    return r.withoutCel.apply(r.structs[i]);
  }

  @Benchmark
  public SinkRecord fiveRulesOnSchemalessMaps(Records r) {
    int i = r.next++ & (DISTINCT - 1);
    return r.onMaps.apply(r.maps[i]);
  }
}
