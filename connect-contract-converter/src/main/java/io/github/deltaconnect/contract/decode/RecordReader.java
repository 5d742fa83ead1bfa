package io.github.deltaconnect.contract.decode;

import io.github.deltaconnect.avro.AvroToConnect;
import io.github.deltaconnect.contract.config.ContractConverterConfig;
import io.github.deltaconnect.contract.config.SubjectNameStrategy;
import io.github.deltaconnect.registry.CompatibilityCheck;
import io.github.deltaconnect.registry.CompatibilityMode;
import io.github.deltaconnect.registry.Contract;
import io.github.deltaconnect.contract.contract.Contracts;
import io.github.deltaconnect.contract.errors.BrokenContract;
import io.github.deltaconnect.contract.errors.ContractViolation;
import io.github.deltaconnect.contract.errors.Reason;
import io.github.deltaconnect.contract.errors.RegistryFailure;
import io.github.deltaconnect.contract.metrics.ConverterMetrics;
import io.github.deltaconnect.registry.RegisteredSchema;
import io.github.deltaconnect.registry.RegistryException;
import io.github.deltaconnect.registry.SchemaNotFoundException;
import io.github.deltaconnect.registry.SchemaRegistry;
import io.github.deltaconnect.rules.ConditionRules;
import io.github.deltaconnect.rules.Failure;
import io.github.deltaconnect.rules.Rule;
import io.github.deltaconnect.rules.RuleSet;
import io.github.deltaconnect.contract.wire.WireFormat;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The converter's read path: wire-format bytes in, a record projected onto the contract out, or a
 * {@link ContractViolation} saying why not.
 *
 * <p>The expensive part (fetching the writer schema, checking registration and compatibility,
 * building the resolving reader) is decided once per topic and schema id and cached; a record then
 * costs a header parse, one Avro decode with the cached resolving reader and the conversion to a
 * Connect struct. Not thread-safe: Connect gives each task its own converter.
 */
public final class RecordReader {
  private static final Logger LOG = LoggerFactory.getLogger(RecordReader.class);

  private final Optional<SchemaRegistry> registry;
  private final Contracts contracts;
  private final Optional<String> fixedSubject;
  private final SubjectNameStrategy strategy;
  private final Optional<CompatibilityMode> compatibilityOverride;
  private final boolean isKey;
  private final ConverterMetrics metrics;
  private final LongSupplier nanoTime;
  private final long refuseRecheckNanos;
  private final int maxDecisions;
  private final Function<Schema, AvroToConnect> compiler;
  private final Map<String, TopicDecisions> topics = new HashMap<>();
  private final Map<Schema, AvroToConnect> compiled = new IdentityHashMap<>();
  private final Map<String, Set<Integer>> idsBySubject = new HashMap<>();
  private final Map<Contract, ConditionRules> rules = new IdentityHashMap<>();
  private final BoundedDecoder bounded = new BoundedDecoder();
  private BinaryDecoder decoder;

  /** Per topic: the decision for the schema id seen last (the common case), and all others. */
  private static final class TopicDecisions {
    int lastId = -1;
    Decision last;
    final Map<Integer, Decision> byId = new HashMap<>();
  }

  public RecordReader(ContractConverterConfig config, boolean isKey,
      Optional<SchemaRegistry> registry, Contracts contracts, ConverterMetrics metrics,
      LongSupplier nanoTime, Function<Schema, AvroToConnect> compiler) {
    this.registry = registry;
    this.contracts = contracts;
    this.fixedSubject = config.contractSubject();
    this.strategy = config.subjectNameStrategy();
    this.compatibilityOverride = config.compatibilityOverride();
    this.isKey = isKey;
    this.metrics = metrics;
    this.nanoTime = nanoTime;
    this.refuseRecheckNanos = config.negativeCacheTtl().toNanos();
    this.maxDecisions = config.cacheSize();
    this.compiler = compiler;
  }

  public SchemaAndValue read(String topic, byte[] payload) {
    if (payload == null) {
      return SchemaAndValue.NULL; // a tombstone carries no schema id
    }
    try {
      int id = WireFormat.schemaId(payload);
      Decision decision = decide(topic, id);
      if (decision instanceof Decision.Refuse refuse) {
        throw refuse.violation();
      }
      Decision.Admit admit = (Decision.Admit) decision;
      Object value = convert(admit, decode(admit, payload));
      if (admit.rules() != null) {
        check(admit, (Struct) value);
      }
      metrics.accepted();
      return new SchemaAndValue(admit.toConnect().schema(), value);
    } catch (ContractViolation v) {
      metrics.rejected(v.reason());
      throw v;
    }
  }

  private Object decode(Decision.Admit admit, byte[] payload) {
    int length = payload.length - WireFormat.HEADER_BYTES;
    decoder = DecoderFactory.get().binaryDecoder(payload, WireFormat.HEADER_BYTES, length, decoder);
    Object datum;
    try {
      // No datum reuse: converted values may share buffers with it.
      datum = admit.reader().read(null, bounded.reset(decoder, length));
    } catch (IOException | RuntimeException e) {
      throw new ContractViolation(Reason.CORRUPT, "the payload (" + payload.length
          + " bytes) does not decode with its writer schema id " + admit.schemaId() + ": " + e, e);
    } catch (StackOverflowError e) {
      // Avro reads and skips nested values by recursion, and a recursive writer schema lets the
      // data nest as deep as its bytes allow (two bytes a level will do). The error unwinds only
      // through this record's decoding state, which the next record resets, so refusing the
      // record is safe; left alone, the Error would stop the task. No cause: a thousand frames.
      throw new ContractViolation(Reason.CORRUPT, "the payload (" + payload.length
          + " bytes) nests deeper than the decoder's stack allows (writer schema id "
          + admit.schemaId() + ")");
    }
    try {
      if (!decoder.isEnd()) {
        throw new ContractViolation(Reason.CORRUPT, "bytes are left after the record of schema id "
            + admit.schemaId() + " (payload of " + payload.length + " bytes): not one Avro datum");
      }
    } catch (IOException e) {
      throw new ContractViolation(Reason.CORRUPT, "cannot read the payload: " + e, e);
    }
    return datum;
  }

  private Object convert(Decision.Admit admit, Object datum) {
    try {
      return admit.toConnect().convert(datum);
    } catch (DataException e) {
      throw new ContractViolation(Reason.CORRUPT, "the record of schema id " + admit.schemaId()
          + " cannot be represented in Connect: " + e.getMessage(), e);
    }
  }

  /**
   * The contract's CEL conditions: DLQ refuses the record, ERROR stops the task, NONE lets it pass
   * (counted and logged at debug).
   */
  private void check(Decision.Admit admit, Struct value) {
    List<Failure> failures = admit.rules().evaluate(value);
    if (failures.isEmpty()) {
      return;
    }
    Failure halt = null;
    Failure refuse = null;
    for (Failure f : failures) {
      if (f.action() == Rule.Action.ERROR && halt == null) {
        halt = f;
      } else if (f.action() == Rule.Action.DLQ && refuse == null) {
        refuse = f;
      } else if (f.action() == Rule.Action.NONE) {
        metrics.ruleFailurePassed();
        LOG.debug("Record passed despite {} ({})", f.message(), admit.contract().describe());
      }
    }
    if (halt != null) {
      throw new BrokenContract("Contract rule with onFailure=ERROR failed: " + halt.message() + " ("
          + admit.contract().describe() + "); the task stops. Use onFailure=DLQ to route such"
          + " records to the dead-letter queue instead.", null);
    }
    if (refuse != null) {
      throw new ContractViolation(Reason.RULE_FAILED, refuse.message() + " ("
          + admit.contract().describe() + ")");
    }
  }

  /** The contract's compiled rules, or null when it has none to run (most contracts). */
  private ConditionRules rules(Contract contract, AvroToConnect toConnect) {
    if (contract.ruleSet().isEmpty()) {
      return null; // CEL is not even loaded
    }
    ConditionRules compiled = rules.computeIfAbsent(contract, c -> {
      try {
        ConditionRules r = ConditionRules.compile(RuleSet.parse(c.ruleSet().get()),
            toConnect.schema());
        LOG.info("{}: {} rule(s) enforced, {} skipped", c.describe(), r.rules().size(),
            r.skipped().size());
        return r;
      } catch (IllegalArgumentException e) {
        throw new BrokenContract("The rules of " + c.describe() + " cannot be applied: "
            + e.getMessage(), e);
      }
    });
    return compiled.isEmpty() ? null : compiled;
  }

  private Decision decide(String topic, int id) {
    TopicDecisions t = topics.get(topic);
    if (t == null) {
      t = new TopicDecisions();
      topics.put(topic, t);
    }
    Decision d = t.lastId == id ? t.last : t.byId.get(id);
    if (d == null || !current(d)) {
      d = decideNow(topic, id);
      if (t.byId.size() >= maxDecisions) {
        t.byId.clear(); // a flood of distinct ids (garbage headers): start over rather than grow
      }
      t.byId.put(id, d);
    }
    t.lastId = id;
    t.last = d;
    return d;
  }

  /** Whether a cached decision still holds: same contract version, or a recent refusal. */
  private boolean current(Decision d) {
    if (d instanceof Decision.Refuse r) {
      return nanoTime.getAsLong() - r.decidedAt() < refuseRecheckNanos;
    }
    return contracts.current(d.contract().subject()) == d.contract();
  }

  private Decision decideNow(String topic, int id) {
    try {
      return registry.isPresent() ? decideWithRegistry(topic, id, registry.get()) : decideLocally(id);
    } catch (RegistryException e) {
      throw new RegistryFailure("The Schema Registry could not answer for schema id " + id
          + " on topic " + topic + ": " + e.getMessage() + ". The task stops rather than send"
          + " records to the dead-letter queue; restart it once the registry is reachable.", e);
    }
  }

  /** Without a registry (development): every record is taken to be written with the contract. */
  private Decision decideLocally(int id) {
    Contract contract = contracts.local().orElseThrow();
    if (noteSchemaId(contract.subject(), id)) {
      LOG.info("New writer schema id {} admitted without a registry: taken to be the local"
          + " contract {}", id, contract.schema().getFullName());
    }
    return admit(contract, id, contract.schema());
  }

  private Decision decideWithRegistry(String topic, int id, SchemaRegistry reg) {
    long now = nanoTime.getAsLong();
    RegisteredSchema registered;
    try {
      registered = reg.byId(id);
    } catch (SchemaNotFoundException e) {
      return refuse("topic " + topic, id, null, Reason.UNKNOWN_SCHEMA_ID, "schema id " + id
          + " is not in the Schema Registry (" + e.getMessage() + ")", now);
    }
    if (!"AVRO".equalsIgnoreCase(registered.schemaType())) {
      return refuse("topic " + topic, id, null, Reason.UNSUPPORTED_SCHEMA, "schema id " + id + " is a "
          + registered.schemaType() + " schema; this converter reads Avro", now);
    }
    if (!registered.references().isEmpty()) {
      return refuse("topic " + topic, id, null, Reason.UNSUPPORTED_SCHEMA, "schema id " + id
          + " uses schema references, which this converter does not resolve yet", now);
    }
    Schema writer;
    try {
      writer = new Schema.Parser().parse(registered.schema());
    } catch (SchemaParseException e) {
      return refuse("topic " + topic, id, null, Reason.UNSUPPORTED_SCHEMA, "schema id " + id
          + " is not a valid Avro schema: " + e.getMessage(), now);
    }
    String subject = fixedSubject.orElseGet(() -> strategy.subject(topic, isKey, writer));
    Contract contract = contracts.current(subject);
    int writerVersion;
    if (contract.id() == id) {
      writerVersion = contract.version();
    } else {
      Optional<RegisteredSchema> underSubject = reg.lookup(subject, registered.schema());
      if (underSubject.isEmpty()) {
        return refuse(subject, id, contract, Reason.NOT_REGISTERED, "writer schema id " + id + " ("
            + writer.getFullName() + ") is not registered under subject '" + subject
            + "'; only registered schemas may enter", now);
      }
      writerVersion = underSubject.get().version();
    }
    CompatibilityMode mode = compatibilityOverride.orElseGet(
        () -> CompatibilityMode.of(reg.compatibility(subject)));
    Optional<String> problem = CompatibilityCheck.problem(writer, writerVersion, contract, mode);
    if (problem.isPresent()) {
      return refuse(subject, id, contract, Reason.INCOMPATIBLE, "writer schema id " + id + " (subject '"
          + subject + "' version " + writerVersion + ") does not fit " + contract.describe()
          + " under " + mode + ": " + problem.get(), now);
    }
    if (noteSchemaId(subject, id)) {
      LOG.info("Subject {}: new writer schema id {} (version {}) admitted, projected onto {}",
          subject, id, writerVersion, contract.describe());
    }
    return admit(contract, id, writer);
  }

  private Decision admit(Contract contract, int id, Schema writer) {
    AvroToConnect toConnect = compiled.computeIfAbsent(contract.schema(), compiler);
    return new Decision.Admit(contract, id,
        new GenericDatumReader<>(writer, contract.schema(), GenericData.get()), toConnect,
        rules(contract, toConnect));
  }

  private Decision refuse(String subject, int id, Contract contract, Reason reason,
      String message, long now) {
    if (noteSchemaId(subject, id)) {
      LOG.warn("Subject {}: new writer schema id {} refused: {}", subject, id, message);
    }
    return new Decision.Refuse(contract, reason, message, now);
  }

  /** How many writer schema ids are remembered for {@code subject} (for tests). */
  int schemaIdsRemembered(String subject) {
    Set<Integer> ids = idsBySubject.get(subject);
    return ids == null ? 0 : ids.size();
  }

  /** Schema drift: the first record of a new writer schema id for a subject is logged once. */
  private boolean noteSchemaId(String subject, int id) {
    Set<Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new HashSet<>());
    if (ids.size() >= maxDecisions && !ids.contains(id)) {
      // A flood of distinct ids (garbage headers) must not grow memory without bound.
      LOG.warn("Subject {}: more than {} distinct writer schema ids seen; forgetting them, so"
          + " schema drift is logged afresh", subject, maxDecisions);
      ids.clear();
    }
    if (ids.add(id)) {
      metrics.newSchemaId();
      return true;
    }
    return false;
  }
}
