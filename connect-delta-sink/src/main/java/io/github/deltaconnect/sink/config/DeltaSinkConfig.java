package io.github.deltaconnect.sink.config;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** The sink connector's configuration: one {@link ConfigDef}, typed accessors, documented properties. */
public final class DeltaSinkConfig extends AbstractConfig {

  public static final String TABLE_LOCATION = "delta.table.location";
  public static final String TABLE_AUTO_CREATE = "delta.table.auto.create";
  public static final String ROUTE_FIELD = "delta.route.field";
  public static final String ROUTE_MAX_TABLES = "delta.route.max.tables";
  /** Placeholders of a routed delta.table.location. */
  public static final String TOPIC_PLACEHOLDER = "${topic}";
  public static final String ROUTE_PLACEHOLDER = "${route}";
  public static final String TABLE_ENABLE_DOMAIN_METADATA = "delta.table.enable.domain.metadata";
  public static final String STORAGE_SYNC = "delta.storage.sync";
  public static final String CONNECTOR_ID = "delta.connector.id";
  public static final String PARTITION_FIELDS = "delta.partition.fields";
  public static final String PARTITION_DERIVED = "delta.partition.derived";
  public static final String PARTITION_TIMEZONE = "delta.partition.timezone";
  public static final String PARTITION_NULL_BEHAVIOR = "delta.partition.null.behavior";
  public static final String FLUSH_SIZE = "delta.flush.size";
  public static final String FLUSH_BYTES = "delta.flush.bytes";
  public static final String FLUSH_INTERVAL_MS = "delta.flush.interval.ms";
  public static final String BUFFER_MEMORY_BYTES = "delta.buffer.memory.bytes";
  public static final String FILE_TARGET_BYTES = "delta.file.target.bytes";
  public static final String PARQUET_COMPRESSION = "delta.parquet.compression";
  public static final String SCHEMA_EVOLUTION = "delta.schema.evolution";
  public static final String CHECKPOINT_INTERVAL = "delta.checkpoint.interval";
  public static final String METADATA_COLUMNS = "delta.metadata.columns";
  public static final String TOMBSTONE_BEHAVIOR = "delta.tombstone.behavior";
  public static final String COMMIT_RETRIES = "delta.commit.max.retries";
  public static final String COMMIT_PIPELINED = "delta.commit.pipelined";
  public static final String GATES = "delta.gates";
  public static final String GATES_TAG_HEADER = "delta.gates.tag.header";
  public static final String GATES_QUARANTINE_LOCATION = "delta.gates.quarantine.location";
  public static final String GATES_WEBHOOK_URL = "delta.gates.alert.webhook.url";
  public static final String GATES_WEBHOOK_TIMEOUT_MS = "delta.gates.alert.timeout.ms";
  public static final String GATES_WEBHOOK_RETRIES = "delta.gates.alert.retries";
  public static final String GATES_WEBHOOK_BACKOFF_MS = "delta.gates.alert.retry.backoff.ms";
  /** Prefix of one gate's properties: {@code delta.gate.<name>.metric} etc. */
  public static final String GATES_REGISTRY_URL = "delta.gates.registry.url";
  public static final String GATES_REGISTRY_USER_INFO = "delta.gates.registry.basic.auth.user.info";
  public static final String GATE_PREFIX = "delta.gate.";
  public static final String IDEMPOTENCY_KEY = "delta.idempotency.key";
  public static final String IDEMPOTENCY_WINDOW_MS = "delta.idempotency.window.ms";
  public static final String IDEMPOTENCY_KEEP = "delta.idempotency.keep";
  public static final String IDEMPOTENCY_MAX_KEYS = "delta.idempotency.max.keys";
  public static final String WRITE_MODE = "delta.write.mode";
  public static final String UPSERT_KEY = "delta.upsert.key";
  public static final String UPSERT_ORDER_FIELD = "delta.upsert.order.field";
  public static final String UPSERT_ORDER_COLUMN = "delta.upsert.order.column";
  public static final String UPSERT_DELETE_RETENTION_MS = "delta.upsert.delete.retention.ms";
  public static final String COMPACTION_ENABLED = "delta.compaction.enabled";
  public static final String COMPACTION_MIN_FILES = "delta.compaction.min.files";
  public static final String COMPACTION_SMALL_FILE_BYTES = "delta.compaction.small.file.bytes";
  public static final String SLA_FRESHNESS = "delta.sla.freshness";
  public static final String REPLAY_MODE = "delta.replay.mode";
  public static final String LINEAGE_URL = "delta.lineage.openlineage.url";
  public static final String LINEAGE_API_KEY = "delta.lineage.openlineage.api.key";
  public static final String LINEAGE_NAMESPACE = "delta.lineage.openlineage.namespace";
  public static final String LINEAGE_KAFKA_NAMESPACE = "delta.lineage.openlineage.kafka.namespace";
  public static final String TEST_FAULT = "delta.test.fault";
  public static final String HADOOP_PREFIX = "hadoop.";

  private static final String GROUP_TABLE = "Table";
  private static final String GROUP_PARTITION = "Partitioning";
  private static final String GROUP_FLUSH = "Micro-batches";
  private static final String GROUP_RECORDS = "Records";
  private static final String GROUP_HADOOP = "Hadoop and S3";
  private static final String GROUP_GATES = "Quality gates";
  private static final String GROUP_IDEMPOTENCY = "Idempotency";
  private static final String GROUP_UPSERT = "Upserts (CDC)";
  private static final String GROUP_COMPACTION = "Compaction";
  /** Hadoop keys that hold secrets. */
  static final List<String> SECRET_HADOOP_KEYS = List.of("fs.s3a.access.key", "fs.s3a.secret.key",
      "fs.s3a.session.token", "fs.s3a.encryption.key");

  public static final ConfigDef CONFIG_DEF = newConfigDef();

  private final PartitionSpec partitionSpec;
  private final ZoneId partitionZone;
  // Parsed once: the task asks for these per record.
  private final NullPartitionBehavior nullPartitionBehavior;
  private final TombstoneBehavior tombstoneBehavior;
  private final SchemaEvolution schemaEvolution;
  private final List<io.github.deltaconnect.sink.gate.Gate> gates;
  private final DuplicateKeep duplicateKeep;
  private final WriteMode writeMode;
  private final ReplayMode replayMode;

  public DeltaSinkConfig(Map<String, String> props) {
    super(CONFIG_DEF, props);
    this.partitionZone = zone(getString(PARTITION_TIMEZONE));
    this.partitionSpec =
        PartitionSpec.parse(getList(PARTITION_FIELDS), getList(PARTITION_DERIVED), partitionZone);
    this.nullPartitionBehavior = NullPartitionBehavior.of(getString(PARTITION_NULL_BEHAVIOR));
    this.tombstoneBehavior = TombstoneBehavior.of(getString(TOMBSTONE_BEHAVIOR));
    this.schemaEvolution = SchemaEvolution.of(getString(SCHEMA_EVOLUTION));
    if (getLong(FLUSH_BYTES) > getLong(BUFFER_MEMORY_BYTES)) {
      throw new ConfigException(
          FLUSH_BYTES,
          getLong(FLUSH_BYTES),
          "must not exceed " + BUFFER_MEMORY_BYTES + " (" + getLong(BUFFER_MEMORY_BYTES) + ")");
    }
    this.gates = GateSpecs.parse(getList(GATES), originalsStrings());
    this.duplicateKeep = DuplicateKeep.of(getString(IDEMPOTENCY_KEEP));
    this.writeMode = WriteMode.of(getString(WRITE_MODE));
    boolean routePlaceholder = tableLocation().contains(ROUTE_PLACEHOLDER);
    if (routePlaceholder != !routeField().isEmpty()) {
      throw new ConfigException(routePlaceholder ? TABLE_LOCATION : ROUTE_FIELD,
          routePlaceholder ? tableLocation() : routeField(), routePlaceholder
              ? ROUTE_PLACEHOLDER + " needs " + ROUTE_FIELD + " (the field whose value names the"
                  + " table)"
              : "needs " + ROUTE_PLACEHOLDER + " in " + TABLE_LOCATION + " (where the value goes)");
    }
    String quarantine = getString(GATES_QUARANTINE_LOCATION).trim();
    if (routed() && !quarantine.isEmpty()
        && (quarantine.contains(TOPIC_PLACEHOLDER) != tableLocation().contains(TOPIC_PLACEHOLDER)
        || quarantine.contains(ROUTE_PLACEHOLDER) != routePlaceholder)) {
      throw new ConfigException(GATES_QUARANTINE_LOCATION, quarantine, "must have the same"
          + " placeholders as " + TABLE_LOCATION + " (one quarantine table per table)");
    }
    if (writeMode == WriteMode.UPSERT) {
      if (!idempotencyKey().isEmpty()) {
        throw new ConfigException(IDEMPOTENCY_KEY, String.join(",", idempotencyKey()),
            "does not apply with " + WRITE_MODE + "=upsert, where " + UPSERT_KEY
                + " already keeps one row per key");
      }
      if (quarantines()) {
        throw new ConfigException(GATES, String.join(",", getList(GATES)), "a quarantine gate"
            + " cannot be used with " + WRITE_MODE + "=upsert yet (a quarantined batch of changes"
            + " would land as appended rows)");
      }
      if (!getString(UPSERT_ORDER_FIELD).isBlank() && getString(UPSERT_ORDER_COLUMN).isBlank()) {
        throw new ConfigException(UPSERT_ORDER_COLUMN, "", "must name the column that keeps each"
            + " row's ordering value when " + UPSERT_ORDER_FIELD + " is set");
      }
    }
    this.replayMode = ReplayMode.of(getString(REPLAY_MODE));
    if (replayMode == ReplayMode.REPLACE) {
      String why = null;
      String property = REPLAY_MODE;
      if (!metadataColumns()) {
        property = METADATA_COLUMNS;
        why = "must be true with " + REPLAY_MODE + "=replace: the _kafka_* columns tell which rows"
            + " came from the replayed offsets";
      } else if (writeMode == WriteMode.UPSERT) {
        why = "does not apply with " + WRITE_MODE + "=upsert, where a replay applies the same"
            + " changes to the same keys again";
      } else if (!idempotencyKey().isEmpty()) {
        why = "cannot be combined with " + IDEMPOTENCY_KEY + " (the index would leave the"
            + " replayed records out as duplicates of the rows they replace)";
      } else if (quarantines()) {
        why = "cannot be combined with a quarantine gate yet (a quarantined replay batch would"
            + " leave the rows it replaces in the table)";
      }
      if (why != null) {
        throw new ConfigException(property, property.equals(REPLAY_MODE) ? "replace"
            : Boolean.toString(metadataColumns()), why);
      }
    }
    if (getList(GATES_REGISTRY_URL).isEmpty() && gates.stream()
        .anyMatch(g -> g.action() == io.github.deltaconnect.sink.gate.GateAction.REGISTRY_VALIDATION)) {
      throw new ConfigException(GATES_REGISTRY_URL, "", "gate(s) with action=registry_validation"
          + " need the Schema Registry's URL");
    }
  }

  private static ConfigDef newConfigDef() {
    int order = 0;
    ConfigDef def = new ConfigDef();
    def.define(TABLE_LOCATION, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new TableLocation(),
        Importance.HIGH,
        "Location of the Delta table: a local path, a file: URI, or an s3a:// (or s3://, also read"
            + " through Hadoop S3A) URI. No credentials in it (s3a://key:secret@bucket is refused):"
            + " use the hadoop.fs.s3a.* settings. One connector can feed many tables: "
            + TOPIC_PLACEHOLDER + " in the location is replaced by each record's topic (e.g."
            + " /lake/raw/" + TOPIC_PLACEHOLDER + "), " + ROUTE_PLACEHOLDER + " by the value of "
            + ROUTE_FIELD + "; each table is created on first use and keeps its own offsets and"
            + " commit cadence.",
        GROUP_TABLE, ++order, Width.LONG, "Table location");
    def.define(ROUTE_FIELD, Type.STRING, "", Importance.MEDIUM,
        "Dotted path of a field in the record value whose value (a string or an integer: letters,"
            + " digits, '_', '-', '.', '=') names the record's table: it replaces "
            + ROUTE_PLACEHOLDER + " in " + TABLE_LOCATION + ". A record whose value is missing,"
            + " null or not a valid name goes to the DLQ with the reason. With it, the consumer"
            + " group's offsets (committed only up to what every table holds) decide where a"
            + " partition resumes, and each table skips what it already holds. Empty: no routing"
            + " by field.",
        GROUP_TABLE, ++order, Width.MEDIUM, "Routing field");
    def.define(ROUTE_MAX_TABLES, Type.INT, 64, ConfigDef.Range.atLeast(1), Importance.LOW,
        "With " + ROUTE_FIELD + ": most tables a task keeps open (each has its buffers and, with"
            + " pipelined commits, a commit thread). A record for another table first commits and"
            + " closes the one idle longest.",
        GROUP_TABLE, ++order, Width.SHORT, "Open tables per task");
    def.define(TABLE_AUTO_CREATE, Type.BOOLEAN, true, Importance.MEDIUM,
        "Create the table from the first record's schema when it does not exist. When false, a missing"
            + " table fails the task.",
        GROUP_TABLE, ++order, Width.SHORT, "Create table if missing");
    def.define(TABLE_ENABLE_DOMAIN_METADATA, Type.BOOLEAN, false, Importance.LOW,
        "For an existing table made by another writer without the 'domainMetadata' table feature"
            + " (where this sink keeps its Kafka offsets): add the feature when the task opens the"
            + " table. This raises the table's writer protocol to version 7 with table features;"
            + " writers that do not support table features can no longer write to it. When false,"
            + " such a table fails the task, naming the feature to enable.",
        GROUP_TABLE, ++order, Width.SHORT, "Add domain metadata to an existing table");
    def.define(CONNECTOR_ID, Type.STRING, "", Importance.MEDIUM,
        "Identity under which Kafka offsets are stored in the table (Delta domain metadata"
            + " 'kafka.offsets.<id>.<topic>.<partition>'). Defaults to the connector name. Keep it stable:"
            + " a new id starts from the consumer group's offsets instead of the table's.",
        GROUP_TABLE, ++order, Width.MEDIUM, "Connector id");
    def.define(CHECKPOINT_INTERVAL, Type.INT, 10, ConfigDef.Range.between(1, 100_000),
        Importance.LOW,
        "Write a Delta checkpoint every this many commits (table property delta.checkpointInterval,"
            + " set when the table is created) so readers do not replay a long log.",
        GROUP_TABLE, ++order, Width.SHORT, "Checkpoint interval");
    def.define(COMMIT_RETRIES, Type.INT, 10, ConfigDef.Range.between(0, 1000), Importance.LOW,
        "How often a Delta commit that lost a race with another writer is retried on a fresh snapshot"
            + " (the stored offsets are checked again on every try).",
        GROUP_TABLE, ++order, Width.SHORT, "Commit retries");
    def.define(STORAGE_SYNC, Type.BOOLEAN, true, Importance.LOW,
        "Sync to disk what a commit references before it becomes visible, on local and HDFS-like"
            + " filesystems: each data file (hsync), the directories it was written to, and the"
            + " _delta_log directory after the commit file is linked in. Then a committed version"
            + " survives a machine crash or power loss with every file it references. Costs about"
            + " one fsync per data file and per directory written: about 2 ms per table partition in a"
            + " batch on the ext4 disk measured (docs/reliability.md), so +8 ms per commit over 4"
            + " partitions, +200 ms over 100; pipelined commits overlap it with consuming)."
            + " false: faster commits on local disks, but after a power loss the newest versions may"
            + " reference files that are gone. No effect on S3, which acknowledges a PUT only once"
            + " it is durable.",
        GROUP_TABLE, ++order, Width.SHORT, "Sync to disk");
    def.define(COMMIT_PIPELINED, Type.BOOLEAN, true, Importance.LOW,
        "Commit a full batch on a background thread while the task buffers the next, so Parquet"
            + " encoding and the Delta commit overlap with consuming. At most one batch is in flight"
            + " per task, and each batch is then at most half of " + BUFFER_MEMORY_BYTES
            + ", so both fit the budget. false: the task stops consuming while it commits.",
        GROUP_TABLE, ++order, Width.SHORT, "Pipelined commits");

    order = 0;
    def.define(PARTITION_FIELDS, Type.LIST, "", Importance.MEDIUM,
        "Table partition columns, in order: record fields or columns derived with "
            + PARTITION_DERIVED + ". Example: partition_date,region.",
        GROUP_PARTITION, ++order, Width.LONG, "Partition columns");
    def.define(PARTITION_DERIVED, Type.LIST, "", Importance.MEDIUM,
        "Columns derived from a timestamp field, as name=function(field) with function date (a DATE"
            + " column) or hour (an INT column, hour of day 0-23). Example: partition_date=date(event_ts)."
            + " The source field may be a Connect Timestamp, Date, epoch milliseconds or an ISO-8601"
            + " string.",
        GROUP_PARTITION, ++order, Width.LONG, "Derived columns");
    def.define(PARTITION_TIMEZONE, Type.STRING, "UTC", new ValidZone(), Importance.LOW,
        "Time zone in which derived date and hour columns are computed.",
        GROUP_PARTITION, ++order, Width.SHORT, "Derivation time zone");
    def.define(PARTITION_NULL_BEHAVIOR, Type.STRING, NullPartitionBehavior.NULL_PARTITION.configValue(),
        new EnumValidator(NullPartitionBehavior.values()), Importance.LOW,
        "What to do with a record whose partition column is missing or null: 'null-partition' writes it"
            + " to the null partition (Hive's __HIVE_DEFAULT_PARTITION__ directory), 'dlq' reports it to"
            + " the dead-letter queue.",
        GROUP_PARTITION, ++order, Width.SHORT, "Null partition values");

    order = 0;
    def.define(FLUSH_SIZE, Type.INT, 100_000, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
        "Commit when this many records are buffered. Each flush writes Parquet files and makes exactly"
            + " one Delta commit; larger batches mean fewer, larger files.",
        GROUP_FLUSH, ++order, Width.SHORT, "Flush records");
    def.define(FLUSH_BYTES, Type.LONG, 64L * 1024 * 1024, ConfigDef.Range.atLeast(1024),
        Importance.MEDIUM,
        "Commit when the buffered records' in-memory size (the arrays of their column buffers) reaches"
            + " this many bytes.",
        GROUP_FLUSH, ++order, Width.SHORT, "Flush bytes");
    def.define(FLUSH_INTERVAL_MS, Type.LONG, 60_000L, ConfigDef.Range.atLeast(100), Importance.MEDIUM,
        "Commit when the oldest buffered record has waited this long, so tables stay fresh on slow"
            + " topics.",
        GROUP_FLUSH, ++order, Width.SHORT, "Flush interval");
    def.define(BUFFER_MEMORY_BYTES, Type.LONG, 128L * 1024 * 1024, ConfigDef.Range.atLeast(1024),
        Importance.MEDIUM,
        "Per-task memory budget for buffered records, whatever the number of Kafka partitions and table"
            + " partitions; reaching it flushes early instead of growing. Must be at least "
            + FLUSH_BYTES + ". Counted as the arrays the column buffers allocate, in steps of at most 64"
            + " KiB per column; a single record larger than this goes to the DLQ.",
        GROUP_FLUSH, ++order, Width.SHORT, "Memory budget");
    def.define(FILE_TARGET_BYTES, Type.LONG, 128L * 1024 * 1024, ConfigDef.Range.atLeast(1024 * 1024),
        Importance.LOW, "Parquet files roll over at about this size.",
        GROUP_FLUSH, ++order, Width.SHORT, "Target file size");
    def.define(PARQUET_COMPRESSION, Type.STRING, "snappy",
        ConfigDef.ValidString.in("snappy", "zstd", "gzip", "lz4_raw", "uncompressed"),
        Importance.LOW, "Parquet compression codec.",
        GROUP_FLUSH, ++order, Width.SHORT, "Compression");

    order = 0;
    def.define(SCHEMA_EVOLUTION, Type.STRING, SchemaEvolution.NONE.configValue(),
        new EnumValidator(SchemaEvolution.values()), Importance.MEDIUM,
        "'none': a record with a field the table lacks is an error (to the DLQ when tolerated)."
            + " 'add-columns': such fields (top level or in nested structs) become new nullable"
            + " columns; the table uses Delta column mapping (name mode), enabled when the table is"
            + " created or at the first change. Type changes are never applied: those records go to"
            + " the DLQ. Fields a record lacks are written as null.",
        GROUP_RECORDS, ++order, Width.SHORT, "Schema evolution");
    def.define(METADATA_COLUMNS, Type.BOOLEAN, false, Importance.LOW,
        "Add the columns _kafka_topic, _kafka_partition, _kafka_offset and _kafka_timestamp.",
        GROUP_RECORDS, ++order, Width.SHORT, "Kafka metadata columns");
    def.define(TOMBSTONE_BEHAVIOR, Type.STRING, TombstoneBehavior.IGNORE.configValue(),
        new EnumValidator(TombstoneBehavior.values()), Importance.LOW,
        "Records with a null value: 'ignore' skips and counts them, 'fail' stops the task, 'dlq' sends"
            + " them to the dead-letter queue.",
        GROUP_RECORDS, ++order, Width.SHORT, "Tombstones");
    order = 0;
    def.define(IDEMPOTENCY_KEY, Type.LIST, "", new KeyFields(), Importance.MEDIUM,
        "Fields whose values identify a record, e.g. event_id,source_system (columns of the"
            + " table; a.b for a field inside a struct column). When set, the table holds at most"
            + " one row per key within " + IDEMPOTENCY_WINDOW_MS + ": a record whose key the table"
            + " or its batch already holds is left out and counted (JMX DuplicatesDroppedInBatch,"
            + " DuplicatesDroppedInTable; numDuplicateRows in each commit's history), also"
            + " when another task or partition wrote the key. A record whose key fields are all"
            + " null goes to the DLQ. Keys are kept in the table itself (a domain of its metadata"
            + " listing key files under _sink_keys/), so they survive restarts and rebalances and"
            + " commit atomically with the rows. Empty: no deduplication.",
        GROUP_IDEMPOTENCY, ++order, Width.LONG, "Idempotency key");
    def.define(IDEMPOTENCY_WINDOW_MS, Type.LONG, 7L * 24 * 60 * 60 * 1000,
        ConfigDef.Range.atLeast(0), Importance.MEDIUM,
        "How long a key is remembered, in event time (Kafka record timestamps): keys of records"
            + " older than the newest record seen by more than this are forgotten (in whole key"
            + " files, so a key may be remembered somewhat longer). 0: until "
            + IDEMPOTENCY_MAX_KEYS + " pushes them out.",
        GROUP_IDEMPOTENCY, ++order, Width.SHORT, "Key window (ms)");
    def.define(IDEMPOTENCY_KEEP, Type.STRING, DuplicateKeep.FIRST.configValue(),
        new EnumValidator(DuplicateKeep.values()), Importance.LOW,
        "Within one micro-batch, which of several records with the same key is written: 'first'"
            + " or 'last' (in the order Kafka delivered them). Across batches the row already in"
            + " the table always stays.",
        GROUP_IDEMPOTENCY, ++order, Width.SHORT, "Duplicate kept");
    def.define(IDEMPOTENCY_MAX_KEYS, Type.LONG, 10_000_000L, ConfigDef.Range.atLeast(1000),
        Importance.LOW,
        "Most keys the index keeps (each task holds them in memory: 16 bytes per key, 160 MB at"
            + " the default). Past it the oldest keys are forgotten before their window ends,"
            + " logged at WARN and counted (JMX IdempotencyKeysEvicted).",
        GROUP_IDEMPOTENCY, ++order, Width.SHORT, "Max keys");
    order = 0;
    def.define(COMPACTION_ENABLED, Type.BOOLEAN, false, Importance.MEDIUM,
        "After a commit, compact the table partition holding the most small files, when it holds"
            + " at least " + COMPACTION_MIN_FILES + " of them: their rows are rewritten into files"
            + " of " + FILE_TARGET_BYTES + " in one commit with dataChange=false (operation"
            + " OPTIMIZE in the history), on the commit thread. Safe beside other writers: a"
            + " writer that removed one of the files first wins and the compaction is dropped."
            + " At most one partition per commit.",
        GROUP_COMPACTION, ++order, Width.SHORT, "Compaction");
    def.define(COMPACTION_MIN_FILES, Type.INT, 10, ConfigDef.Range.atLeast(2), Importance.LOW,
        "How many small files a table partition must hold before it is compacted.",
        GROUP_COMPACTION, ++order, Width.SHORT, "Small files before compaction");
    def.define(COMPACTION_SMALL_FILE_BYTES, Type.LONG, 32L * 1024 * 1024,
        ConfigDef.Range.atLeast(1), Importance.LOW,
        "Files smaller than this count as small for compaction.",
        GROUP_COMPACTION, ++order, Width.SHORT, "Small file size");
    order = 0;
    def.define(WRITE_MODE, Type.STRING, WriteMode.APPEND.configValue(),
        new EnumValidator(WriteMode.values()), Importance.HIGH,
        "'append': every record becomes a row. 'upsert': the table keeps one row per "
            + UPSERT_KEY + ", the latest change of each key: records are change events (Debezium"
            + " envelopes with op c/r/u/d, before, after and source, as structs or schemaless"
            + " maps; or plain rows, with a tombstone (null value) deleting its record key's"
            + " row), applied copy-on-write: the data files holding changed keys are rewritten"
            + " without them in the same commit as the new rows and the Kafka offsets."
            + " Tombstones are deletes here, whatever " + TOMBSTONE_BEHAVIOR + " says.",
        GROUP_UPSERT, ++order, Width.SHORT, "Write mode");
    def.define(UPSERT_KEY, Type.LIST, "", new KeyFields(), Importance.MEDIUM,
        "With " + WRITE_MODE + "=upsert: the columns that identify a row (a.b for a field in a"
            + " struct column). Empty: the fields of the record key (a struct or map), as"
            + " Debezium sets it to the source table's primary key.",
        GROUP_UPSERT, ++order, Width.LONG, "Upsert key");
    def.define(UPSERT_ORDER_FIELD, Type.STRING, "", Importance.MEDIUM,
        "With " + WRITE_MODE + "=upsert: dotted path, in the record value (the envelope for"
            + " Debezium), of an integer or timestamp that orders the changes of one key, e.g."
            + " source.lsn (PostgreSQL) or source.ts_ms. A change older than the one the table"
            + " or the batch holds for its key is left out and counted (numStaleChanges), so"
            + " redelivered and out-of-order changes converge to the source's state. Its value"
            + " is kept in the column " + UPSERT_ORDER_COLUMN + ". Empty: the last change"
            + " delivered wins.",
        GROUP_UPSERT, ++order, Width.MEDIUM, "Ordering field");
    def.define(UPSERT_ORDER_COLUMN, Type.STRING, "_change_order", Importance.LOW,
        "The table column (a long) that keeps each row's ordering value, when "
            + UPSERT_ORDER_FIELD + " is set; no record field may have this name.",
        GROUP_UPSERT, ++order, Width.MEDIUM, "Ordering column");
    def.define(UPSERT_DELETE_RETENTION_MS, Type.LONG, 7L * 24 * 60 * 60 * 1000,
        ConfigDef.Range.atLeast(0), Importance.LOW,
        "With " + UPSERT_ORDER_FIELD + ": how long the table remembers the order of each delete"
            + " (files under _sink_keys/ listed in its metadata, 24 bytes of heap per key, counted"
            + " against " + IDEMPOTENCY_MAX_KEYS + "), so a change older than the delete that"
            + " arrives later cannot bring the row back. 0: until " + IDEMPOTENCY_MAX_KEYS
            + " pushes the oldest out.",
        GROUP_UPSERT, ++order, Width.SHORT, "Delete memory (ms)");
    order = 0;
    def.define(GATES, Type.LIST, "", Importance.MEDIUM,
        "Names of the quality gates every batch must pass before it is committed, comma-separated;"
            + " each is configured by delta.gate.<name>.metric (row_count, row_count_delta,"
            + " null_rate_<field>, schema_hash, data_quality_score, min_<field>, max_<field>),"
            + " .threshold (rates: null_rate_* and row_count_delta break above it,"
            + " data_quality_score below it), .min/.max (row_count, min_*, max_*), .window"
            + " (row_count_delta: committed batches in the trailing mean, default 10) and .action"
            + " (halt_and_alert: nothing of the batch is committed and the task stops, naming the"
            + " gate, value, threshold and offsets; quarantine: the whole batch goes to the"
            + " quarantine table; alert: commit and report the breach; registry_validation, with"
            + " schema_hash only: halt unless every record schema is registered under"
            + " .subject, default <topic>-value, and compatible with .contract.version, default"
            + " latest). See the README's Quality gates section.",
        GROUP_GATES, ++order, Width.LONG, "Gates");
    def.define(GATES_TAG_HEADER, Type.STRING, "dq.violations", new ConfigDef.NonEmptyString(),
        Importance.LOW, "Header the quality rules transform (action=tag) adds to records that"
            + " violated a rule; data_quality_score is the share of a batch's rows without it.",
        GROUP_GATES, ++order, Width.SHORT, "Violation tag header");
    def.define(GATES_QUARANTINE_LOCATION, Type.STRING, "", Importance.MEDIUM,
        "Where gates with action=quarantine put a whole batch instead of the table: a Delta table"
            + " with the same columns and partitioning, and its own stored offsets, so a"
            + " quarantined batch is neither lost nor repeated. Empty: beside the table, at its"
            + " location with '_quarantine' appended.",
        GROUP_GATES, ++order, Width.LONG, "Quarantine table");
    def.define(GATES_WEBHOOK_URL, Type.PASSWORD, null, new WebhookUrl(), Importance.MEDIUM,
        "An HTTP(S) URL that receives every gate breach as a POST of Slack-compatible JSON ('text'"
            + " plus the details under 'deltaconnect'), e.g. a Slack incoming webhook. A password:"
            + " masked in the REST API and never logged. Breaches are always logged, one JSON line"
            + " each.",
        GROUP_GATES, ++order, Width.LONG, "Alert webhook");
    def.define(GATES_WEBHOOK_TIMEOUT_MS, Type.INT, 5000, ConfigDef.Range.between(1, 120_000),
        Importance.LOW, "Connect and read timeout of one webhook call.", GROUP_GATES, ++order,
        Width.SHORT, "Alert timeout");
    def.define(GATES_WEBHOOK_RETRIES, Type.INT, 3, ConfigDef.Range.between(0, 20), Importance.LOW,
        "Retries of a webhook call that failed (5xx, 408, 429, I/O), with doubling backoff. Calls"
            + " run on their own thread behind a queue of 100: a slow receiver never holds a commit.",
        GROUP_GATES, ++order, Width.SHORT, "Alert retries");
    def.define(GATES_WEBHOOK_BACKOFF_MS, Type.INT, 500, ConfigDef.Range.between(1, 60_000),
        Importance.LOW, "First backoff between webhook retries; doubles each retry.", GROUP_GATES,
        ++order, Width.SHORT, "Alert retry backoff");
    def.define(SLA_FRESHNESS, Type.STRING, "", new DurationValidator(), Importance.MEDIUM,
        "Freshness SLA, e.g. 15m (ms, s, m, h, d; a plain number is ms). The task alerts (a WARN"
            + " line, the webhook of " + GATES_WEBHOOK_URL + " when set, JMX FreshnessSlaBreaches)"
            + " while records wait to be committed and either the newest committed event (Kafka"
            + " record time) is older than this or the oldest waiting record arrived longer ago;"
            + " it clears (INFO line, webhook) when fresh again. Idle topics never alert. Empty:"
            + " no SLA.",
        GROUP_GATES, ++order, Width.SHORT, "Freshness SLA");
    def.define(REPLAY_MODE, Type.STRING, ReplayMode.APPEND.configValue(),
        new EnumValidator(ReplayMode.values()), Importance.MEDIUM,
        "What a replay through Connect's offsets API (PATCH /connectors/{name}/offsets on the"
            + " stopped connector) does with the rows the table holds past the new offsets."
            + " 'append': the replayed records are added again (duplicates by design, unless "
            + IDEMPOTENCY_KEY + " is set). 'replace': each replay commit removes the rows that came"
            + " from the offsets it covers (found through the _kafka_* columns of "
            + METADATA_COLUMNS + "=true, which replace needs) and adds the replayed ones, in one"
            + " commit, up to the offset the table held before the PATCH; so re-running a window"
            + " with fixed logic leaves each record once, with the new logic, at every version."
            + " DELETE of the offsets is refused in replace mode: PATCH the offsets to replay from.",
        GROUP_RECORDS, ++order, Width.SHORT, "Replay mode");
    def.define(LINEAGE_URL, Type.PASSWORD, null, new WebhookUrl(), Importance.LOW,
        "OpenLineage HTTP endpoint that receives a COMPLETE run event per commit (e.g. Marquez's"
            + " http://marquez:5000/api/v1/lineage): job = the connector, inputs = the Kafka topics"
            + " of the batch (with its offset ranges as a run facet), output = the Delta table with"
            + " its schema, version and row count. Sent off the commit path; a receiver that fails"
            + " or is slow never fails or slows the task (counted in JMX LineageEventsFailed)."
            + " A password (may carry a token): masked in the REST API. Empty: no events.",
        GROUP_RECORDS, ++order, Width.LONG, "OpenLineage endpoint");
    def.define(LINEAGE_API_KEY, Type.PASSWORD, null, Importance.LOW,
        "Bearer token sent with each OpenLineage event (Authorization header); empty: none.",
        GROUP_RECORDS, ++order, Width.MEDIUM, "OpenLineage API key");
    def.define(LINEAGE_NAMESPACE, Type.STRING, "kafka-connect", new ConfigDef.NonEmptyString(),
        Importance.LOW, "Namespace of the OpenLineage job (its name is the connector's).",
        GROUP_RECORDS, ++order, Width.MEDIUM, "OpenLineage job namespace");
    def.define(LINEAGE_KAFKA_NAMESPACE, Type.STRING, "kafka://kafka", new ConfigDef.NonEmptyString(),
        Importance.LOW, "Namespace of the input datasets (the topics): OpenLineage names Kafka"
            + " topics kafka://{bootstrap host}:{port}. A connector is not told the brokers'"
            + " address, so set it to match what producers report.",
        GROUP_RECORDS, ++order, Width.MEDIUM, "OpenLineage Kafka namespace");
    def.define(GATES_REGISTRY_URL, Type.LIST, "", new RegistryUrls(), Importance.MEDIUM,
        "Schema Registry base URL(s), tried in turn, for gates with action=registry_validation"
            + " (Confluent's REST API; Apicurio's .../apis/ccompat/v7). Calls time out after 5 s"
            + " (connect) and 10 s (request) and are retried twice; a registry that cannot answer"
            + " halts the batch, as an unregistered schema does.",
        GROUP_GATES, ++order, Width.LONG, "Schema Registry URL");
    def.define(GATES_REGISTRY_USER_INFO, Type.PASSWORD, null, Importance.LOW,
        "user:password for HTTP basic auth with the Schema Registry; masked in the REST API and"
            + " never logged.",
        GROUP_GATES, ++order, Width.MEDIUM, "Schema Registry user info");
    order = 0;
    // Declared as passwords so Connect masks them in its REST API and logs; other hadoop.* keys
    // pass through undeclared. Prefer a config provider (${file:...}) over literal secrets.
    for (String secret : SECRET_HADOOP_KEYS) {
      def.define(HADOOP_PREFIX + secret, Type.PASSWORD, null, Importance.LOW,
          "Hadoop setting " + secret + ", masked in Connect's REST API and logs. Any other Hadoop or"
              + " S3A setting can be given with the hadoop. prefix.",
          GROUP_HADOOP, ++order, Width.MEDIUM, secret);
    }
    def.defineInternal(TEST_FAULT, Type.STRING, "", Importance.LOW);
    return def;
  }

  /** The table's location; with routing, a template holding placeholders. */
  public String tableLocation() {
    return getString(TABLE_LOCATION).trim();
  }

  /** Whether records are routed to many tables (the location holds a placeholder). */
  public boolean routed() {
    return tableLocation().contains(TOPIC_PLACEHOLDER) || tableLocation().contains(ROUTE_PLACEHOLDER);
  }

  public int routeMaxTables() {
    return getInt(ROUTE_MAX_TABLES);
  }

  /** The routing field's path; empty without one. */
  public String routeField() {
    return getString(ROUTE_FIELD).trim();
  }

  /** The same configuration for one routed table: its location and quarantine resolved. */
  public DeltaSinkConfig forTable(String location, String quarantineLocation) {
    Map<String, String> props = new HashMap<>(originalsStrings());
    props.put(TABLE_LOCATION, location);
    props.put(ROUTE_FIELD, "");
    props.put(GATES_QUARANTINE_LOCATION, quarantineLocation);
    return new DeltaSinkConfig(props);
  }

  public boolean autoCreate() {
    return getBoolean(TABLE_AUTO_CREATE);
  }

  public boolean storageSync() {
    return getBoolean(STORAGE_SYNC);
  }

  public boolean enableDomainMetadata() {
    return getBoolean(TABLE_ENABLE_DOMAIN_METADATA);
  }

  /** The id under which offsets are stored; falls back to the connector name Connect passes in. */
  public String connectorId(String connectorName) {
    String id = getString(CONNECTOR_ID).trim();
    return id.isEmpty() ? connectorName : id;
  }

  public PartitionSpec partitionSpec() {
    return partitionSpec;
  }

  public NullPartitionBehavior nullPartitionBehavior() {
    return nullPartitionBehavior;
  }

  public int flushSize() {
    return getInt(FLUSH_SIZE);
  }

  public long flushBytes() {
    return getLong(FLUSH_BYTES);
  }

  public long flushIntervalMs() {
    return getLong(FLUSH_INTERVAL_MS);
  }

  public long bufferMemoryBytes() {
    return getLong(BUFFER_MEMORY_BYTES);
  }

  public long fileTargetBytes() {
    return getLong(FILE_TARGET_BYTES);
  }

  public String parquetCompression() {
    return getString(PARQUET_COMPRESSION).toUpperCase(Locale.ROOT);
  }

  public SchemaEvolution schemaEvolution() {
    return schemaEvolution;
  }

  public int checkpointInterval() {
    return getInt(CHECKPOINT_INTERVAL);
  }

  public boolean metadataColumns() {
    return getBoolean(METADATA_COLUMNS);
  }

  public TombstoneBehavior tombstoneBehavior() {
    return tombstoneBehavior;
  }

  public int commitRetries() {
    return getInt(COMMIT_RETRIES);
  }

  public boolean commitPipelined() {
    return getBoolean(COMMIT_PIPELINED);
  }

  /** The idempotency key's fields; empty when records are not deduplicated. */
  public List<String> idempotencyKey() {
    return getList(IDEMPOTENCY_KEY).stream().map(String::trim).toList();
  }

  /** 0: no window (keys leave only past the key limit). */
  public long idempotencyWindowMs() {
    return getLong(IDEMPOTENCY_WINDOW_MS);
  }

  public DuplicateKeep duplicateKeep() {
    return duplicateKeep;
  }

  public long idempotencyMaxKeys() {
    return getLong(IDEMPOTENCY_MAX_KEYS);
  }

  /** The freshness SLA in ms; 0: none. */
  /** The OpenLineage endpoint, or null when no events are sent. */
  public java.net.URI lineageUrl() {
    org.apache.kafka.common.config.types.Password url = getPassword(LINEAGE_URL);
    return url == null || url.value().isBlank() ? null : java.net.URI.create(url.value().trim());
  }

  public java.util.Optional<String> lineageApiKey() {
    org.apache.kafka.common.config.types.Password key = getPassword(LINEAGE_API_KEY);
    return key == null || key.value().isBlank() ? java.util.Optional.empty()
        : java.util.Optional.of(key.value());
  }

  public String lineageNamespace() {
    return getString(LINEAGE_NAMESPACE);
  }

  public String lineageKafkaNamespace() {
    return getString(LINEAGE_KAFKA_NAMESPACE);
  }

  public ReplayMode replayMode() {
    return replayMode;
  }

  public long slaFreshnessMs() {
    return DurationValidator.millis(getString(SLA_FRESHNESS));
  }

  public boolean compactionEnabled() {
    return getBoolean(COMPACTION_ENABLED);
  }

  public int compactionMinFiles() {
    return getInt(COMPACTION_MIN_FILES);
  }

  public long compactionSmallFileBytes() {
    return getLong(COMPACTION_SMALL_FILE_BYTES);
  }

  public WriteMode writeMode() {
    return writeMode;
  }

  /** The upsert key's fields; empty: the record key's fields. */
  public List<String> upsertKey() {
    return getList(UPSERT_KEY).stream().map(String::trim).toList();
  }

  public long upsertDeleteRetentionMs() {
    return getLong(UPSERT_DELETE_RETENTION_MS);
  }

  /** The ordering value's path in the record value; empty: delivery order. */
  public String upsertOrderField() {
    return getString(UPSERT_ORDER_FIELD).trim();
  }

  /** The column holding each row's ordering value, or null without an ordering field. */
  public String upsertOrderColumn() {
    return upsertOrderField().isEmpty() ? null : getString(UPSERT_ORDER_COLUMN).trim();
  }

  /** The configured gates, in order; empty when none. */
  public List<io.github.deltaconnect.sink.gate.Gate> gates() {
    return gates;
  }

  /** How registry_validation gates reach the Schema Registry; empty without a URL. */
  public java.util.Optional<io.github.deltaconnect.registry.RegistrySettings> gatesRegistry() {
    List<String> urls = getList(GATES_REGISTRY_URL);
    if (urls.isEmpty()) {
      return java.util.Optional.empty();
    }
    org.apache.kafka.common.config.types.Password auth = getPassword(GATES_REGISTRY_USER_INFO);
    // Short timeouts: the check runs in the commit path and its failure only halts a batch.
    return java.util.Optional.of(io.github.deltaconnect.registry.RegistrySettings
        .defaults(urls.stream().map(u -> java.net.URI.create(u.trim())).toList())
        .withTimeouts(java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(10))
        .withRetries(2, java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(2))
        .withBasicAuth(auth == null || auth.value().isBlank() ? null : auth.value()));
  }

  public String gatesTagHeader() {
    return getString(GATES_TAG_HEADER);
  }

  /** The quarantine table's location (qualified like the table's). */
  public String quarantineLocation() {
    String set = getString(GATES_QUARANTINE_LOCATION).trim();
    if (!set.isEmpty()) {
      return set;
    }
    String table = tableLocation().trim();
    while (table.endsWith("/") && table.length() > 1) {
      table = table.substring(0, table.length() - 1);
    }
    return table + "_quarantine";
  }

  /** Whether any gate quarantines. */
  public boolean quarantines() {
    return gates.stream().anyMatch(g -> g.action() == io.github.deltaconnect.sink.gate.GateAction.QUARANTINE);
  }

  /** Where gate breaches are posted, or null. */
  public java.net.URI gatesWebhook() {
    org.apache.kafka.common.config.types.Password url = getPassword(GATES_WEBHOOK_URL);
    return url == null || url.value().isBlank() ? null : java.net.URI.create(url.value().trim());
  }

  public java.time.Duration gatesWebhookTimeout() {
    return java.time.Duration.ofMillis(getInt(GATES_WEBHOOK_TIMEOUT_MS));
  }

  public int gatesWebhookRetries() {
    return getInt(GATES_WEBHOOK_RETRIES);
  }

  public java.time.Duration gatesWebhookBackoff() {
    return java.time.Duration.ofMillis(getInt(GATES_WEBHOOK_BACKOFF_MS));
  }

  /** Test-only fault injection point (internal, undocumented): see {@code commit.FaultPoint}. */
  public String testFault() {
    return getString(TEST_FAULT).trim();
  }

  /** Hadoop settings passed through: {@code hadoop.fs.s3a.endpoint} becomes {@code fs.s3a.endpoint}. */
  public Map<String, String> hadoopProperties() {
    Map<String, String> out = new HashMap<>();
    originalsStrings().forEach((k, v) -> {
      if (k.startsWith(HADOOP_PREFIX) && k.length() > HADOOP_PREFIX.length()) {
        out.put(k.substring(HADOOP_PREFIX.length()), v);
      }
    });
    return out;
  }

  private static ZoneId zone(String id) {
    try {
      return ZoneId.of(id);
    } catch (DateTimeException e) {
      throw new ConfigException(PARTITION_TIMEZONE, id, "is not a time zone id: " + e.getMessage());
    }
  }

  /**
   * A local path or a URI whose scheme the bundle can write, checked at validate() time. An S3
   * location must not carry credentials (s3a://key:secret@bucket): the location is logged with the
   * config and named in errors and task traces, so messages show it with the user info as ***.
   */
  private static final class TableLocation implements ConfigDef.Validator {
    private static final List<String> SCHEMES = List.of("file", "s3a", "s3");

    @Override
    public void ensureValid(String name, Object value) {
      if (value == null || value.toString().isBlank()) {
        throw new ConfigException(name, value, "must not be empty");
      }
      String location = value.toString().trim();
      java.util.regex.Matcher placeholder =
          java.util.regex.Pattern.compile("\\$\\{([^}]*)}").matcher(location);
      while (placeholder.find()) {
        String p = placeholder.group();
        if (!p.equals(TOPIC_PLACEHOLDER) && !p.equals(ROUTE_PLACEHOLDER)) {
          throw new ConfigException(name, withoutUserInfo(location), "unknown placeholder " + p
              + ": only " + TOPIC_PLACEHOLDER + " and " + ROUTE_PLACEHOLDER + " are replaced");
        }
      }
      location = location.replace(TOPIC_PLACEHOLDER, "t").replace(ROUTE_PLACEHOLDER, "r");
      int colon = location.indexOf(':');
      int slash = location.indexOf('/');
      boolean hasScheme = colon > 1 && (slash < 0 || colon < slash);
      if (hasScheme) {
        String scheme = location.substring(0, colon).toLowerCase(Locale.ROOT);
        String shown = withoutUserInfo(location);
        if (!scheme.equals("file") && !shown.equals(location)) {
          throw new ConfigException(name, shown, "must not carry credentials: give them as"
              + " hadoop." + SECRET_HADOOP_KEYS.get(0) + " and hadoop." + SECRET_HADOOP_KEYS.get(1)
              + " (or through a config provider)");
        }
        if (!SCHEMES.contains(scheme)) {
          throw new ConfigException(name, shown, "scheme '" + scheme + "' is not supported: use a"
              + " local path, file:, s3a:// or s3://");
        }
        if (!scheme.equals("file") && !location.startsWith(scheme + "://")) {
          throw new ConfigException(name, shown, "must look like " + scheme + "://bucket/path");
        }
      }
    }

    /** The location with the user info of its authority (up to the first /) replaced by ***. */
    static String withoutUserInfo(String location) {
      int start = location.indexOf("://");
      if (start < 0) {
        return location;
      }
      start += 3;
      int end = location.indexOf('/', start);
      String authority = end < 0 ? location.substring(start) : location.substring(start, end);
      int at = authority.lastIndexOf('@');
      return at < 0 ? location
          : location.substring(0, start) + "***" + location.substring(start + at);
    }

    @Override
    public String toString() {
      return "local path, file:, s3a:// or s3:// URI";
    }
  }

  private static final class ValidZone implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      try {
        ZoneId.of(String.valueOf(value));
      } catch (DateTimeException e) {
        throw new ConfigException(name, value, "is not a time zone id (e.g. UTC, Europe/Berlin)");
      }
    }

    @Override
    public String toString() {
      return "a time zone id";
    }
  }

  /** Validates values of an enum that implements {@link ConfigEnum}. */
  private static final class EnumValidator implements ConfigDef.Validator {
    private final List<String> allowed;

    EnumValidator(ConfigEnum[] values) {
      this.allowed = java.util.Arrays.stream(values).map(ConfigEnum::configValue).toList();
    }

    @Override
    public void ensureValid(String name, Object value) {
      if (value == null || !allowed.contains(value.toString().trim().toLowerCase(Locale.ROOT))) {
        throw new ConfigException(name, value, "must be one of " + allowed);
      }
    }

    @Override
    public String toString() {
      return String.join(", ", allowed);
    }
  }

  /** An http(s) URL, or unset; the message never repeats the value (it is a secret). */
  static final class WebhookUrl implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value == null) {
        return;
      }
      String url = ((org.apache.kafka.common.config.types.Password) value).value().trim();
      if (url.isEmpty()) {
        return;
      }
      try {
        java.net.URI uri = java.net.URI.create(url);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            || uri.getHost() == null) {
          throw new IllegalArgumentException();
        }
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name, "[hidden]", "must be an http:// or https:// URL");
      }
    }

    @Override
    public String toString() {
      return "an http(s) URL, or unset";
    }
  }

  /** Each URL one RegistrySettings accepts (http(s), no credentials, query or fragment). */
  static final class RegistryUrls implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      @SuppressWarnings("unchecked")
      List<String> urls = (List<String>) value;
      for (String url : urls) {
        try {
          io.github.deltaconnect.registry.RegistrySettings.defaults(
              List.of(java.net.URI.create(url.trim())));
        } catch (IllegalArgumentException e) {
          // RegistrySettings' messages never echo user info or paths that may hold secrets.
          throw new ConfigException(name, "[hidden]", e.getMessage());
        }
      }
    }

    @Override
    public String toString() {
      return "http(s)://host[:port][/path], comma-separated; credentials in "
          + GATES_REGISTRY_USER_INFO;
    }
  }

  /** Key fields: names (dotted paths), none empty, none twice. */
  /** Durations such as 500ms, 30s, 15m, 2h, 1d; a plain number is milliseconds; empty is none. */
  static final class DurationValidator implements ConfigDef.Validator {
    private static final java.util.regex.Pattern FORMAT =
        java.util.regex.Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)?");

    static long millis(String value) {
      String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
      if (v.isEmpty()) {
        return 0;
      }
      java.util.regex.Matcher m = FORMAT.matcher(v);
      if (!m.matches()) {
        throw new IllegalArgumentException(value);
      }
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "ms" : m.group(2);
      return switch (unit) {
        case "s" -> n * 1000;
        case "m" -> n * 60_000;
        case "h" -> n * 3_600_000;
        case "d" -> n * 86_400_000;
        default -> n;
      };
    }

    @Override
    public void ensureValid(String name, Object value) {
      try {
        millis((String) value);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name, value, "must be a duration such as 15m, 90s, 2h or 500ms");
      }
    }

    @Override
    public String toString() {
      return "a duration: 500ms, 30s, 15m, 2h, 1d (empty: none)";
    }
  }

  static final class KeyFields implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      @SuppressWarnings("unchecked")
      List<String> fields = value == null ? List.of() : (List<String>) value;
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (String f : fields) {
        String field = f.trim();
        if (field.isEmpty() || field.startsWith(".") || field.endsWith(".")
            || field.contains("..")) {
          throw new ConfigException(name, value, "each key field must be a field name, or a"
              + " dotted path into a struct (a.b); got '" + f + "'");
        }
        if (!seen.add(field)) {
          throw new ConfigException(name, value, "field '" + field + "' is listed twice");
        }
      }
    }

    @Override
    public String toString() {
      return "field names or dotted paths, comma-separated";
    }
  }
}
