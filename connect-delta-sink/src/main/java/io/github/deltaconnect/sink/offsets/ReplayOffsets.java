package io.github.deltaconnect.sink.offsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Turns an event-time window into the offsets to replay from: for each partition of the topics,
 * the first offset whose record timestamp is at or after {@code --from} (the log end where no
 * record is that new: nothing to replay there), printed as the body of
 * {@code PATCH /connectors/{name}/offsets}. With delta.replay.mode=replace, the replay then
 * replaces the rows of everything from there on.
 *
 * <pre>
 * java -cp 'plugin/lib/*:/opt/kafka/libs/*' io.github.deltaconnect.sink.offsets.ReplayOffsets \
 *   --bootstrap-server broker:9092 --topic events --from 2026-11-29T00:00:00Z \
 *   [--command-config client.properties]
 * </pre>
 */
public final class ReplayOffsets {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReplayOffsets() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i], args[i + 1]);
    }
    if (!opts.containsKey("--bootstrap-server") || !opts.containsKey("--topic")
        || !opts.containsKey("--from")) {
      System.err.println("usage: ReplayOffsets --bootstrap-server HOST:PORT --topic T[,T...]"
          + " --from ISO-8601-INSTANT [--command-config client.properties]");
      System.exit(2);
    }
    Properties props = new Properties();
    if (opts.containsKey("--command-config")) {
      try (InputStream in = Files.newInputStream(Path.of(opts.get("--command-config")))) {
        props.load(in);
      }
    }
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, opts.get("--bootstrap-server"));
    Instant from;
    try {
      from = Instant.parse(opts.get("--from"));
    } catch (java.time.format.DateTimeParseException e) {
      System.err.println("--from: not an ISO-8601 instant (e.g. 2026-11-29T00:00:00Z): "
          + opts.get("--from"));
      System.exit(2);
      return;
    }
    try (Admin admin = Admin.create(props)) {
      System.out.println(patchBody(at(admin, List.of(opts.get("--topic").split(",")), from)));
    }
  }

  /** Per partition of {@code topics}: the first offset at or after {@code from}, else the end. */
  public static Map<TopicPartition, Long> at(Admin admin, List<String> topics, Instant from)
      throws ExecutionException, InterruptedException {
    List<TopicPartition> partitions = new ArrayList<>();
    Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get();
    described.forEach((topic, d) -> d.partitions()
        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition()))));
    Map<TopicPartition, OffsetSpec> byTime = new HashMap<>();
    Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
    for (TopicPartition tp : partitions) {
      byTime.put(tp, OffsetSpec.forTimestamp(from.toEpochMilli()));
      ends.put(tp, OffsetSpec.latest());
    }
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> found =
        admin.listOffsets(byTime).all().get();
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end =
        admin.listOffsets(ends).all().get();
    Map<TopicPartition, Long> out = new TreeMap<>(
        java.util.Comparator.comparing(TopicPartition::topic)
            .thenComparingInt(TopicPartition::partition));
    for (TopicPartition tp : partitions) {
      long offset = found.get(tp).offset();
      out.put(tp, offset >= 0 ? offset : end.get(tp).offset());
    }
    return out;
  }

  /** The body of {@code PATCH /connectors/{name}/offsets} for a sink connector. */
  public static String patchBody(Map<TopicPartition, Long> offsets) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode list = body.putArray("offsets");
    offsets.forEach((tp, offset) -> {
      ObjectNode entry = list.addObject();
      entry.putObject("partition").put("kafka_topic", tp.topic())
          .put("kafka_partition", tp.partition());
      entry.putObject("offset").put("kafka_offset", offset);
    });
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body);
  }
}
