package io.github.deltaconnect.bench.converter;

import io.github.deltaconnect.contract.ContractConverter;
import io.github.deltaconnect.registry.testing.ApicurioRegistry;
import io.github.deltaconnect.contract.testing.Wire;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.json.JsonConverter;
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
 * Bytes → Connect record, one thread, the same 6-field events three ways: JsonConverter with
 * schemas (what most Connect pipelines run), the contract converter reading records written with
 * the contract's own schema, and the contract converter projecting an older writer schema onto a
 * newer contract. The contract converter talks to a real registry (Apicurio, started once per
 * fork); in the measured loop every lookup is a cache hit, as in steady state.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ConverterBenchmark {
  static final String TOPIC = "events";
  static final String SUBJECT = TOPIC + "-value";
  static final String V1 = "{\"type\":\"record\",\"name\":\"Event\",\"namespace\":\"bench\",\"fields\":["
      + "{\"name\":\"event_id\",\"type\":\"string\"},"
      + "{\"name\":\"source_system\",\"type\":\"string\"},"
      + "{\"name\":\"user_id\",\"type\":\"long\"},"
      + "{\"name\":\"region\",\"type\":[\"null\",\"string\"],\"default\":null},"
      + "{\"name\":\"event_ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
      + "{\"name\":\"amount\",\"type\":\"double\"}]}";
  static final String V2 = V1.replace("\"double\"}]}",
      "\"double\"},{\"name\":\"channel\",\"type\":[\"null\",\"string\"],\"default\":null}]}");
  static final int DISTINCT = 1024;
  static final String[] REGIONS = {"eu-west", "us-east", "ap-south", "sa-east"};
  static final String[] SOURCES = {"web", "pos", "mobile"};

  /** One registry per fork, with v1 and v2 registered under the subject. */
  @State(Scope.Benchmark)
  public static class Registry {
    ApicurioRegistry registry;
    int v1;

    @Setup(Level.Trial)
    public void start() throws Exception {
      registry = new ApicurioRegistry();
      registry.start();
      registry.setCompatibility(SUBJECT, "BACKWARD");
      v1 = registry.register(SUBJECT, V1);
      registry.register(SUBJECT, V2);
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
      registry.close();
    }
  }

  /** The same events as JSON-with-schema bytes and as wire-format Avro bytes. */
  @State(Scope.Thread)
  public static class Records {
    byte[][] json = new byte[DISTINCT][];
    byte[][] avro = new byte[DISTINCT][];
    JsonConverter jsonConverter = new JsonConverter();
    ContractConverter sameSchema = new ContractConverter();
    ContractConverter projecting = new ContractConverter();
    int next;

    @Setup(Level.Trial)
    public void prepare(Registry registry) {
      jsonConverter.configure(Map.of("schemas.enable", "true"), false);
      org.apache.kafka.connect.data.Schema connect = SchemaBuilder.struct().name("bench.Event")
          .field("event_id", org.apache.kafka.connect.data.Schema.STRING_SCHEMA)
          .field("source_system", org.apache.kafka.connect.data.Schema.STRING_SCHEMA)
          .field("user_id", org.apache.kafka.connect.data.Schema.INT64_SCHEMA)
          .field("region", org.apache.kafka.connect.data.Schema.OPTIONAL_STRING_SCHEMA)
          .field("event_ts", Timestamp.SCHEMA)
          .field("amount", org.apache.kafka.connect.data.Schema.FLOAT64_SCHEMA)
          .build();
      Schema avroSchema = new Schema.Parser().parse(V1);
      for (int i = 0; i < DISTINCT; i++) {
        String id = "evt-" + (1_000_000 + i);
        String region = i % 10 == 9 ? null : REGIONS[i % REGIONS.length];
        long ts = 1_767_225_600_000L + i * 1000L;
        double amount = i * 0.37;
        json[i] = jsonConverter.fromConnectData(TOPIC, connect, new Struct(connect)
            .put("event_id", id).put("source_system", SOURCES[i % 3]).put("user_id", 10_000L + i)
            .put("region", region).put("event_ts", new java.util.Date(ts)).put("amount", amount));
        GenericRecord r = new GenericData.Record(avroSchema);
        r.put("event_id", id);
        r.put("source_system", SOURCES[i % 3]);
        r.put("user_id", 10_000L + i);
        r.put("region", region);
        r.put("event_ts", ts);
        r.put("amount", amount);
        avro[i] = Wire.encode(registry.v1, avroSchema, r);
      }
      sameSchema.configure(settings(registry, "1"), false);
      projecting.configure(settings(registry, "2"), false);
      // The first record of each decides (registry round trips); from then on, cache hits.
      sameSchema.toConnectData(TOPIC, avro[0]);
      projecting.toConnectData(TOPIC, avro[0]);
    }

    static Map<String, Object> settings(Registry registry, String version) {
      Map<String, Object> m = new HashMap<>();
      m.put("schema.registry.url", registry.registry.ccompatUrl());
      m.put("contract.version", version);
      return m;
    }

    int next() {
      next = (next + 1) & (DISTINCT - 1);
      return next;
    }

    @TearDown(Level.Trial)
    public void close() {
      sameSchema.close();
      projecting.close();
    }
  }

  @Benchmark
  public SchemaAndValue jsonConverterWithSchemas(Records r) {
    return r.jsonConverter.toConnectData(TOPIC, r.json[r.next()]);
  }

  @Benchmark
  public SchemaAndValue contractConverter(Records r) {
    return r.sameSchema.toConnectData(TOPIC, r.avro[r.next()]);
  }

  @Benchmark
  public SchemaAndValue contractConverterProjectingV1OntoV2(Records r) {
    return r.projecting.toConnectData(TOPIC, r.avro[r.next()]);
  }
}
