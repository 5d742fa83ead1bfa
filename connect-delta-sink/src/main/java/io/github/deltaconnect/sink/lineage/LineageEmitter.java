package io.github.deltaconnect.sink.lineage;

import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.github.deltaconnect.sink.buffer.OffsetRange;
import io.github.deltaconnect.sink.config.DeltaSinkConfig;
import io.github.deltaconnect.sink.delivery.JsonPost;
import io.github.deltaconnect.sink.delivery.Outbox;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenLineage run events, one COMPLETE event per commit: job = the connector, inputs = the batch's
 * Kafka topics (its offset ranges in a {@code kafkaOffsets} run facet), output = the Delta table
 * with its schema, the version committed and the rows and bytes added. Events go out on an
 * {@link Outbox} thread the task owns and closes (through {@link JsonPost}, whose connections
 * leave no thread behind): a slow or failing receiver is counted and logged, and never slows or
 * fails a commit (events beyond a bounded queue are dropped and counted as failed).
 */
public final class LineageEmitter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LineageEmitter.class);
  static final URI PRODUCER =
      URI.create("https://github.com/deltaconnect/kafka-connect-delta/connect-delta-sink");
  private static final int QUEUE = 1000;

  private final String jobNamespace;
  private final String jobName;
  private final String kafkaNamespace;
  private final OpenLineage ol = new OpenLineage(PRODUCER);
  private final JsonPost receiver;
  private final Outbox outbox;
  private volatile long lastWarnMs;

  /** Null when {@code config} sends no events. */
  public static LineageEmitter of(DeltaSinkConfig config, String connector, int task) {
    return config.lineageUrl() == null ? null : new LineageEmitter(config.lineageUrl(),
        config.lineageApiKey(), config.lineageNamespace(), connector,
        config.lineageKafkaNamespace(), "delta-sink-lineage-" + connector + "-" + task);
  }

  LineageEmitter(URI endpoint, Optional<String> apiKey, String jobNamespace, String jobName,
      String kafkaNamespace, String threadName) {
    this.jobNamespace = jobNamespace;
    this.jobName = jobName;
    this.kafkaNamespace = kafkaNamespace;
    this.receiver = new JsonPost(endpoint, Duration.ofSeconds(10), 0, Duration.ZERO, apiKey,
        "OpenLineage event", false);
    this.outbox = new Outbox(threadName, QUEUE, Duration.ofSeconds(5));
  }

  /** A commit of {@code rows} rows ({@code bytes} of data files) at {@code version}. */
  public void committed(String tableLocation, long version, StructType schema,
      Map<TopicPartition, OffsetRange> ranges, long rows, long bytes) {
    String json;
    try {
      json = OpenLineageClientUtils.toJson(event(tableLocation, version, schema, ranges, rows,
          bytes));
    } catch (RuntimeException e) {
      outbox.failedBeforeQueue();
      warn(e.toString());
      return;
    }
    if (!outbox.submit(() -> send(json))) {
      warn("more than " + QUEUE + " events waiting, or stopped");
    }
  }

  OpenLineage.RunEvent event(String tableLocation, long version, StructType schema,
      Map<TopicPartition, OffsetRange> ranges, long rows, long bytes) {
    OpenLineage.RunFacet offsets = ol.newRunFacet();
    Map<String, String> byPartition = new LinkedHashMap<>();
    ranges.forEach((tp, r) -> byPartition.put(tp.toString(), r.first() + ".." + r.last()));
    offsets.getAdditionalProperties().put("offsets", byPartition);
    List<OpenLineage.InputDataset> inputs = new ArrayList<>();
    new TreeSet<>(ranges.keySet().stream().map(TopicPartition::topic).toList())
        .forEach(topic -> inputs.add(ol.newInputDatasetBuilder().namespace(kafkaNamespace)
            .name(topic).build()));
    List<OpenLineage.SchemaDatasetFacetFields> fields = new ArrayList<>();
    for (StructField f : schema.fields()) {
      fields.add(ol.newSchemaDatasetFacetFieldsBuilder().name(f.getName())
          .type(f.getDataType().toString()).build());
    }
    String[] dataset = dataset(tableLocation);
    OpenLineage.OutputDataset output = ol.newOutputDatasetBuilder()
        .namespace(dataset[0]).name(dataset[1])
        .facets(ol.newDatasetFacetsBuilder()
            .schema(ol.newSchemaDatasetFacet(fields))
            .version(ol.newDatasetVersionDatasetFacet(Long.toString(version)))
            .build())
        .outputFacets(ol.newOutputDatasetOutputFacetsBuilder()
            .outputStatistics(ol.newOutputStatisticsOutputDatasetFacet(rows, bytes, null))
            .build())
        .build();
    return ol.newRunEventBuilder()
        .eventType(OpenLineage.RunEvent.EventType.COMPLETE)
        .eventTime(ZonedDateTime.now(ZoneOffset.UTC))
        .run(ol.newRunBuilder().runId(UUID.randomUUID())
            .facets(ol.newRunFacetsBuilder().put("kafkaOffsets", offsets).build()).build())
        .job(ol.newJobBuilder().namespace(jobNamespace).name(jobName).build())
        .inputs(inputs)
        .outputs(List.of(output))
        .build();
  }

  /**
   * OpenLineage's dataset naming: {@code s3://bucket} + key for S3, {@code file} + path for a
   * local table, scheme://authority + path otherwise.
   */
  static String[] dataset(String location) {
    URI uri = URI.create(location);
    String scheme = uri.getScheme() == null ? "file" : uri.getScheme();
    if (scheme.equals("file")) {
      return new String[] {"file", uri.getPath() == null ? location : uri.getPath()};
    }
    if (scheme.equals("s3a") || scheme.equals("s3n")) {
      scheme = "s3";
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    return new String[] {scheme + "://" + uri.getAuthority(),
        scheme.equals("s3") && path.startsWith("/") ? path.substring(1) : path};
  }

  private boolean send(String json) {
    Optional<String> failure = receiver.post(json);
    failure.ifPresent(this::warn);
    return failure.isEmpty();
  }

  private void warn(String why) {
    long now = System.currentTimeMillis();
    if (now - lastWarnMs > 60_000) { // a receiver that is down would fill the log otherwise
      lastWarnMs = now;
      LOG.warn("OpenLineage event for {} not delivered ({} failed so far): {}", jobName,
          outbox.failed() + 1, why);
    }
  }

  public long sent() {
    return outbox.sent();
  }

  public long failed() {
    return outbox.failed();
  }

  /** Sends what is queued (up to 5 s), then stops the thread. */
  @Override
  public void close() {
    outbox.close();
  }
}
