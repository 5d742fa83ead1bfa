package io.github.deltaconnect.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How fresh the table is: a producer at a steady rate, and for every record the time from its send
 * to the commit of the first table version that holds it (the commit's own timestamp in the Delta
 * log, and the offsets that version stores).
 */
public final class Freshness {

  /** Latency percentiles in milliseconds. */
  public record Result(long intervalMs, int ratePerSecond, long records, long p50, long p95,
      long p99, long max, int commits) {}

  private Freshness() {}

  public static Result run(Broker broker, Path work, long intervalMs, int ratePerSecond,
      int seconds) throws Exception {
    int partitions = 4;
    String topic = "fresh-" + intervalMs;
    String name = "fresh-" + intervalMs;
    broker.createTopic(topic, partitions);
    Path table = work.resolve(name + "-table");
    try (Worker worker = new Worker(work.resolve(name + "-worker"), broker.bootstrap(),
        Path.of(System.getProperty("connect.plugin.dir")).toAbsolutePath(), "1g", Map.of())) {
      Map<String, String> config = SinkRun.deltaConfig(topic, 1, table);
      config.put("delta.flush.interval.ms", Long.toString(intervalMs));
      config.put("delta.flush.size", "10000000");
      worker.createConnector(name, config);

      List<List<Long>> sent = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        sent.add(java.util.Collections.synchronizedList(new ArrayList<>()));
      }
      long total = (long) ratePerSecond * seconds;
      long warmupUntil = System.currentTimeMillis() + 5_000;
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
          ProducerConfig.LINGER_MS_CONFIG, 1), new ByteArraySerializer(),
          new ByteArraySerializer())) {
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
          long due = start + i * 1_000_000_000L / ratePerSecond;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
          int p = (int) (i % partitions);
          long sentAt = System.currentTimeMillis();
          producer.send(new ProducerRecord<>(topic, p, null, BenchEvents.event(i)), (md, e) -> {
            if (e == null) {
              List<Long> times = sent.get(md.partition());
              synchronized (times) {
                while (times.size() <= md.offset()) {
                  times.add(null);
                }
                times.set((int) md.offset(), sentAt);
              }
            }
          });
        }
        producer.flush();
      }
      long last = total / partitions - 1;
      long deadline = System.currentTimeMillis() + intervalMs * 3 + 60_000;
      while (!SinkRun.covered(table, name, topic, partitions, last)) {
        if (System.currentTimeMillis() > deadline || !worker.alive()) {
          throw new IllegalStateException(name + " did not catch up; " + worker.log());
        }
        Thread.sleep(200);
      }
      worker.deleteConnector(name);

      List<TreeMap<Long, Long>> commits = commitTimes(table.resolve("_delta_log"), name, topic,
          partitions);
      List<Long> latencies = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        List<Long> times = sent.get(p);
        for (int offset = 0; offset < times.size(); offset++) {
          Long sentAt = times.get(offset);
          if (sentAt == null || sentAt < warmupUntil) {
            continue;
          }
          Map.Entry<Long, Long> commit = commits.get(p).ceilingEntry((long) offset);
          latencies.add(commit.getValue() - sentAt);
        }
      }
      latencies.sort(null);
      int versions = commits.stream().mapToInt(TreeMap::size).max().orElse(0);
      return new Result(intervalMs, ratePerSecond, latencies.size(), pct(latencies, 0.5),
          pct(latencies, 0.95), pct(latencies, 0.99), latencies.get(latencies.size() - 1), versions);
    }
  }

  /** Per partition: stored offset → commit timestamp of the version that stored it. */
  static List<TreeMap<Long, Long>> commitTimes(Path log, String connector, String topic,
      int partitions) throws Exception {
    List<TreeMap<Long, Long>> out = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      out.add(new TreeMap<>());
    }
    ObjectMapper json = new ObjectMapper();
    List<Path> files;
    try (Stream<Path> s = Files.list(log)) {
      files = s.filter(f -> f.getFileName().toString().matches("\\d{20}\\.json")).sorted().toList();
    }
    String prefix = "kafka.offsets." + connector + "." + topic + ".";
    for (Path f : files) {
      long timestamp = -1;
      Map<Integer, Long> offsets = new HashMap<>();
      for (String line : Files.readAllLines(f)) {
        JsonNode action = json.readTree(line);
        if (action.has("commitInfo")) {
          timestamp = action.get("commitInfo").get("timestamp").asLong();
        } else if (action.has("domainMetadata")) {
          String domain = action.get("domainMetadata").get("domain").asText();
          if (domain.startsWith(prefix)) {
            offsets.put(Integer.parseInt(domain.substring(prefix.length())),
                json.readTree(action.get("domainMetadata").get("configuration").asText())
                    .get("offset").asLong());
          }
        }
      }
      long ts = timestamp >= 0 ? timestamp : Files.getLastModifiedTime(f).toMillis();
      offsets.forEach((p, o) -> out.get(p).putIfAbsent(o, ts));
    }
    return out;
  }

  private static long pct(List<Long> sorted, double p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }
}
