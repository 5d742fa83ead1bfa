package io.github.deltaconnect.contract.decode;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.deltaconnect.contract.ContractConverter;
import io.github.deltaconnect.contract.config.ContractConverterConfig;
import io.github.deltaconnect.contract.decode.HostileInputs.Input;
import io.github.deltaconnect.contract.errors.ContractViolation;
import io.github.deltaconnect.contract.errors.Reason;
import io.github.deltaconnect.contract.testing.InMemoryRegistry;
import io.github.deltaconnect.contract.testing.RandomDatums;
import io.github.deltaconnect.contract.wire.WireFormat;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.kafka.connect.data.ConnectSchema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the read path as Connect drives it ({@code toConnectData}): random bytes,
 * truncations, bit flips, hostile lengths and counts, unknown ids, a wrong magic byte and deep
 * nesting. Every payload must decode to a valid Connect value or be refused with a
 * {@link ContractViolation} carrying a reason, within {@link #TIMEOUT_SECONDS} and within an
 * allocation bound proportional to its size.
 *
 * <p>{@code -Dfuzz.iterations=N} (default {@value #DEFAULT_ITERATIONS}) and {@code
 * -Dfuzz.seed=S} (default fixed, so {@code verify} is reproducible; {@code random} for a fresh
 * one) choose the run; the seed is printed, and a failure prints the options that replay it.
 */
class DecodingFuzzTest {
  static final int DEFAULT_ITERATIONS = 20_000;
  static final long DEFAULT_SEED = 0x5eed_2026L;
  static final int TIMEOUT_SECONDS = 2;
  /**
   * Allocation allowed per payload byte, plus {@link #ALLOCATION_BASE}. Decoding costs a multiple
   * of the bytes present: the worst valid shapes measured, such as an array of one-boolean
   * records, take ~120 bytes of Avro datums and Connect values per byte on the wire; 256 leaves
   * room. The base covers what does not grow with the payload: the 10,000 items that take no bytes
   * one payload may hold ({@link BoundedDecoder#EMPTY_ITEMS}, ~100 bytes each), a refusal's
   * exception and message. A buffer or array sized by what a length or count claims instead of
   * the bytes present (a 2 GiB string in 20 bytes) is far past it.
   */
  static final long ALLOCATION_PER_BYTE = 256;
  static final long ALLOCATION_BASE = 2 << 20;
  static final int MAX_FAILURES = 10;
  static final int HEX_BYTES = 1024;

  /** The order fields both versions share. */
  static final String ORDER = """
      {"type":"record","name":"Order","namespace":"shop","fields":[
        {"name":"id","type":"string"},
        {"name":"customer","type":{"type":"record","name":"Customer","fields":[
          {"name":"name","type":"string"},
          {"name":"email","type":["null","string"],"default":null},
          {"name":"address","type":["null",{"type":"record","name":"Address","fields":[
            {"name":"street","type":"string"},
            {"name":"zip","type":["null","int"],"default":null},
            {"name":"country","type":{"type":"enum","name":"Country",
              "symbols":["DE","FR","US","JP"]}}]}],"default":null}]}},
        {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
          {"name":"sku","type":"string"},
          {"name":"qty","type":"int"},
          {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":12,
            "scale":2}},
          {"name":"weight","type":["null","float"],"default":null}]}}},
        {"name":"attributes","type":{"type":"map","values":"string"}},
        {"name":"counters","type":{"type":"map","values":"long"}},
        {"name":"status","type":{"type":"enum","name":"Status",
          "symbols":["NEW","PAID","SHIPPED","CANCELLED"]}},
        {"name":"checksum","type":{"type":"fixed","name":"Md5","size":16}},
        {"name":"total","type":{"type":"fixed","name":"Amount","size":8,
          "logicalType":"decimal","precision":18,"scale":4}},
        {"name":"created","type":{"type":"long","logicalType":"timestamp-millis"}},
        {"name":"updated","type":{"type":"long","logicalType":"timestamp-micros"}},
        {"name":"day","type":{"type":"int","logicalType":"date"}},
        {"name":"at","type":{"type":"int","logicalType":"time-millis"}},
        {"name":"ratio","type":"double"},
        {"name":"gift","type":"boolean"},
        {"name":"payload","type":"bytes"},
        {"name":"ref","type":["null",{"type":"string","logicalType":"uuid"}],"default":null},
        {"name":"extra","type":["null","long","string","Address"],"default":null},
        {"name":"markers","type":{"type":"array","items":{"type":"record","name":"Marker",
          "fields":[]}}}
      """;
  static final String ORDER_V1 = ORDER
      + ",{\"name\":\"legacy\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"map\","
      + "\"values\":\"bytes\"}}}"
      + ",{\"name\":\"pings\",\"type\":{\"type\":\"array\",\"items\":\"null\"}}]}";
  /** The contract: drops {@code legacy} and {@code pings} (skipped in v1 records), adds two. */
  static final String ORDER_V2 = ORDER
      + ",{\"name\":\"channel\",\"type\":[\"null\",\"string\"],\"default\":null}"
      + ",{\"name\":\"priority\",\"type\":\"int\",\"default\":0}]}";
  /** A recursive writer; the contract keeps no recursive field, so the nesting is skipped. */
  static final String GRAPH_V1 = """
      {"type":"record","name":"Node","namespace":"graph","fields":[
        {"name":"id","type":"long"},
        {"name":"label","type":"string"},
        {"name":"children","type":{"type":"array","items":"Node"}},
        {"name":"next","type":["null","Node"],"default":null}]}
      """;
  static final String GRAPH_V2 = """
      {"type":"record","name":"Node","namespace":"graph","fields":[
        {"name":"id","type":"long"},
        {"name":"label","type":"string"}]}
      """;
  static final String DEEP = deep(50);

  @Test
  void everyPayloadDecodesOrIsRefusedWithAReasonInBoundedTimeAndMemory() throws Exception {
    long seed = seed();
    int iterations = Integer.getInteger("fuzz.iterations", DEFAULT_ITERATIONS);
    System.out.printf("DecodingFuzzTest: seed %d, %,d iterations%n", seed, iterations);

    InMemoryRegistry registry = new InMemoryRegistry();
    int order1 = registry.register("orders-value", ORDER_V1);
    int order2 = registry.register("orders-value", ORDER_V2);
    int graph1 = registry.register("graph-value", GRAPH_V1);
    int graph2 = registry.register("graph-value", GRAPH_V2);
    int deep = registry.register("deep-value", DEEP);

    Random random = new Random(seed);
    RandomDatums datums = new RandomDatums(random, 40);
    List<TracedRecord> samples = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      samples.add(sample(datums, "orders", order1, ORDER_V1));
      samples.add(sample(datums, "orders", order2, ORDER_V2));
      samples.add(sample(datums, "graph", graph1, GRAPH_V1));
      samples.add(sample(datums, "deep", deep, DEEP));
    }
    List<String> topics = List.of("orders", "graph", "deep");
    HostileInputs inputs = new HostileInputs(samples, topics,
        new int[] {900, 901, 902, 903}, new HostileInputs.Recursive("graph", graph1));

    ExecutorService decoding = Executors.newSingleThreadExecutor(task -> {
      Thread t = new Thread(task, "fuzz-decoder");
      t.setDaemon(true); // a hung decode must not keep the test JVM alive
      return t;
    });
    ContractConverter converter = new ContractConverter(settings -> registry);
    // Deciding on a schema id (registry calls, schema parsing) happens once per topic and id, not
    // per record: the warm-up decides every registered id on every topic, and these lifetimes
    // keep the decisions for the run, so the allocation bound measures decoding alone.
    String day = Long.toString(TimeUnit.DAYS.toMillis(1));
    converter.configure(Map.of(ContractConverterConfig.REGISTRY_URL, "http://in-memory",
        ContractConverterConfig.CACHE_SIZE, "10000000",
        ContractConverterConfig.CACHE_TTL_MS, day,
        ContractConverterConfig.CACHE_NEGATIVE_TTL_MS, day,
        ContractConverterConfig.CONTRACT_REFRESH_MS, day), false);
    List<String> failures = new ArrayList<>();
    Map<Reason, Integer> refused = new EnumMap<>(Reason.class);
    int ran = 0;
    int decoded = 0;
    double worstRatio = 0;
    long started = System.nanoTime();
    try {
      warmUp(decoding, converter, samples, topics, new int[] {order1, order2, graph1, graph2,
          deep});
      for (int i = 0; i < iterations && failures.size() < MAX_FAILURES; i++) {
        Input input = inputs.next(new Random(seed ^ (i * 0x9E3779B97F4A7C15L)));
        ran++;
        Future<Outcome> pending = decoding.submit(() -> Outcome.of(converter, input));
        Outcome outcome;
        try {
          outcome = pending.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
          failures.add(report(seed, i, input, "no answer within " + TIMEOUT_SECONDS + " s",
              null));
          break; // the decoder thread is stuck; nothing after this would be measured right
        }
        String problem = outcome.problem(input);
        if (problem != null) {
          failures.add(report(seed, i, input, problem, outcome.thrown()));
        } else if (outcome.thrown() == null) {
          decoded++;
          worstRatio = Math.max(worstRatio, (double) outcome.allocated() / input.bytes().length);
        } else {
          refused.merge(((ContractViolation) outcome.thrown()).reason(), 1, Integer::sum);
        }
      }
    } finally {
      decoding.shutdownNow();
      converter.close();
    }
    System.out.printf("DecodingFuzzTest: seed %d, %,d iterations in %.1f s: %,d decoded (at most"
        + " %.0f bytes allocated per payload byte), refused %s, %d failure(s)%n", seed,
        ran, (System.nanoTime() - started) / 1e9, decoded, worstRatio, refused,
        failures.size());
    if (!failures.isEmpty()) {
      fail(failures.size() + " payload(s) broke the decoder:\n\n" + String.join("\n\n", failures));
    }
    assertTrue(decoded > 0 && !refused.isEmpty(), "both outcomes were exercised");
  }

  /** What one decode did: its value or what it threw, and what it allocated on its thread. */
  record Outcome(SchemaAndValue value, Throwable thrown, long allocated) {
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static Outcome of(ContractConverter converter, Input input) {
      long before = THREADS.getCurrentThreadAllocatedBytes();
      SchemaAndValue value = null;
      Throwable thrown = null;
      try {
        value = converter.toConnectData(input.topic(), input.bytes());
      } catch (Throwable t) { // errors too: a StackOverflowError or OutOfMemoryError is a finding
        thrown = t;
      }
      return new Outcome(value, thrown, THREADS.getCurrentThreadAllocatedBytes() - before);
    }

    /** Null when this is an acceptable answer to {@code input}, else what is wrong. */
    String problem(Input input) {
      long bound = ALLOCATION_PER_BYTE * input.bytes().length + ALLOCATION_BASE;
      if (allocated > bound) {
        return "allocated " + allocated + " bytes, more than " + bound + " for "
            + input.bytes().length + " payload bytes" + (thrown == null ? "" : " (then " + thrown
            + ")");
      }
      if (thrown == null) {
        if (value == null || value.value() == null) {
          return "decoded to no value";
        }
        try {
          ConnectSchema.validateValue(value.schema(), value.value());
        } catch (DataException e) {
          return "decoded to a value its own schema refuses: " + e.getMessage();
        }
        return null;
      }
      if (input.kind().equals(HostileInputs.VALID)) {
        return "a valid record was refused: " + thrown;
      }
      if (!(thrown instanceof ContractViolation v)) {
        return "threw " + thrown.getClass().getName() + " instead of a ContractViolation";
      }
      if (v.reason() == null || v.getMessage() == null || v.getMessage().isBlank()) {
        return "refused without a reason or message: " + v;
      }
      return null;
    }
  }

  /** The seed of {@code -Dfuzz.seed}: a number, {@code random}, or by default a fixed one. */
  private static long seed() {
    String seed = System.getProperty("fuzz.seed", Long.toString(DEFAULT_SEED));
    return seed.equals("random") ? ThreadLocalRandom.current().nextLong() : Long.parseLong(seed);
  }

  /** Decodes every sample (each must pass) and decides every registered id on every topic. */
  private static void warmUp(ExecutorService decoding, ContractConverter converter,
      List<TracedRecord> samples, List<String> topics, int[] ids)
      throws InterruptedException, ExecutionException, TimeoutException {
    for (TracedRecord sample : samples) {
      Input input = new Input(HostileInputs.VALID, sample.topic(), sample.bytes());
      Outcome outcome = decoding.submit(() -> Outcome.of(converter, input))
          .get(TIMEOUT_SECONDS * 10L, TimeUnit.SECONDS);
      if (outcome.thrown() != null) {
        throw new AssertionError("a valid " + sample.topic() + " record was refused",
            outcome.thrown());
      }
    }
    for (String topic : topics) {
      for (int id : ids) {
        byte[] header = new byte[WireFormat.HEADER_BYTES];
        WireFormat.writeHeader(id, header);
        decoding.submit(() -> Outcome.of(converter, new Input("header", topic, header)))
            .get(TIMEOUT_SECONDS * 10L, TimeUnit.SECONDS);
      }
    }
  }

  private static TracedRecord sample(RandomDatums datums, String topic, int id, String schema) {
    Schema writer = new Schema.Parser().parse(schema);
    return TracedRecord.encode(topic, id, writer, datums.next(writer));
  }

  private static String report(long seed, int iteration, Input input, String problem,
      Throwable thrown) {
    byte[] b = input.bytes();
    String hex = HexFormat.of().formatHex(b, 0, Math.min(b.length, HEX_BYTES))
        + (b.length > HEX_BYTES ? "... (" + b.length + " bytes; the replay makes it again)" : "");
    StringBuilder out = new StringBuilder()
        .append("iteration ").append(iteration).append(" (").append(input.kind()).append(", topic ")
        .append(input.topic()).append("): ").append(problem)
        .append("\n  replay: -Dfuzz.seed=").append(seed).append(" -Dfuzz.iterations=")
        .append(iteration + 1)
        .append("\n  input: ").append(hex);
    if (thrown != null) {
      StringWriter trace = new StringWriter();
      thrown.printStackTrace(new PrintWriter(trace));
      String[] lines = trace.toString().split("\n");
      out.append("\n  ").append(String.join("\n  ",
          java.util.Arrays.copyOf(lines, Math.min(lines.length, 12))));
    }
    return out.toString();
  }

  /** Records nested {@code levels} deep, every other level optional, collections at the bottom. */
  static String deep(int levels) {
    String inner = "{\"type\":\"record\",\"name\":\"L" + (levels - 1) + "\",\"fields\":["
        + "{\"name\":\"v\",\"type\":\"int\"},"
        + "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},"
        + "{\"name\":\"blobs\",\"type\":{\"type\":\"map\",\"values\":\"bytes\"}}]}";
    for (int i = levels - 2; i >= 0; i--) {
      String child = i % 2 == 0 ? inner : "[\"null\"," + inner + "]";
      inner = "{\"type\":\"record\",\"name\":\"L" + i + "\",\"namespace\":\"deep\",\"fields\":["
          + "{\"name\":\"v\",\"type\":\"int\"},{\"name\":\"child\",\"type\":" + child + "}]}";
    }
    return inner;
  }
}
