package io.github.deltaconnect.sink.gate;

import io.github.deltaconnect.common.LogicalNames;
import io.github.deltaconnect.avro.AvroData;
import io.github.deltaconnect.registry.CompatibilityCheck;
import io.github.deltaconnect.registry.CompatibilityMode;
import io.github.deltaconnect.registry.Contract;
import io.github.deltaconnect.registry.RegisteredSchema;
import io.github.deltaconnect.registry.RegistryException;
import io.github.deltaconnect.registry.SchemaNotFoundException;
import io.github.deltaconnect.registry.SchemaRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a registry_validation gate asks the Schema Registry about a record schema: is it
 * registered under its subject, and is that registered version compatible with the contract
 * version?
 *
 * <p>"Registered" is decided by shape: some version of the subject, an Avro schema mapped to
 * Connect as the contract converter maps it ({@link AvroData}), has the same fields (names, order,
 * types, logical types, optionality; nested alike) as the record schema. Schema names, docs,
 * defaults and parameters are left out, since converters differ in them: an unnamed struct from
 * JsonConverter matches a registered record of the same fields. Looking up
 * the exact text ({@code POST /subjects/{s}}) would need the Avro schema back from a Connect
 * schema byte for byte (names, docs, defaults, union order), which no converter's Connect schema
 * carries. Compatibility is then decided on the registered Avro schemas themselves, with the
 * subject's level, exactly as the contract converter decides it ({@link CompatibilityCheck}).
 *
 * <p>A shape that passed is remembered for the task's life (a registered version stays
 * registered); one that failed is asked again next time, since the batch halts and an operator
 * may register the schema before the task is restarted. Versions with schema references, or that
 * are not Avro, never match. Owns the registry client: {@link #close()} closes it.
 */
public final class RegistryCheck implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryCheck.class);
  /** Marks a version whose schema has no table shape here (not Avro, references, unsupported). */
  private static final String NO_SHAPE = "";

  private static final Set<String> LOGICAL = Set.of(Decimal.LOGICAL_NAME, Date.LOGICAL_NAME,
      Time.LOGICAL_NAME, Timestamp.LOGICAL_NAME, LogicalNames.TIME_MICROS,
      LogicalNames.TIMESTAMP_MICROS, LogicalNames.LOCAL_TIMESTAMP_MILLIS,
      LogicalNames.LOCAL_TIMESTAMP_MICROS);

  private final SchemaRegistry registry;
  /** Shapes known good per subject and contract version. */
  private final Map<String, Set<String>> passed = new HashMap<>();
  /** Each subject version with its shape: versions never change once registered. */
  private final Map<String, Version> fetched = new HashMap<>();

  /** A registered version and its shape ({@link #NO_SHAPE} when it has none here). */
  private record Version(RegisteredSchema schema, String shape) {}

  public RegistryCheck(SchemaRegistry registry) {
    this.registry = registry;
  }

  /**
   * Empty when records of {@code recordSchema} from {@code topic} pass {@code gate}; otherwise
   * why not, naming the subject and versions involved.
   */
  public synchronized Optional<String> problem(Gate gate, String topic, Schema recordSchema) {
    String subject = gate.subject() != null ? gate.subject() : topic + "-value";
    if (recordSchema == null) {
      return Optional.of("records of topic '" + topic + "' carry no schema, so subject '" + subject
          + "' cannot vouch for them");
    }
    String shape = shape(recordSchema);
    String key = subject + "@" + gate.contractVersion();
    if (passed.getOrDefault(key, Set.of()).contains(shape)) {
      return Optional.empty();
    }
    try {
      Optional<String> problem = check(subject, gate.contractVersion(), shape);
      if (problem.isEmpty()) {
        passed.computeIfAbsent(key, k -> new HashSet<>()).add(shape);
      }
      return problem;
    } catch (RegistryException e) {
      return Optional.of("the record schema of topic '" + topic + "' (" + shape + ") could not"
          + " be checked against subject '" + subject + "': the Schema Registry failed: "
          + e.getMessage());
    }
  }

  private Optional<String> check(String subject, String contractVersion, String shape) {
    List<Integer> versions = new ArrayList<>(registry.versions(subject));
    if (versions.isEmpty()) {
      return Optional.of("subject '" + subject + "' has no registered version, so the record"
          + " schema (" + shape + ") is not registered");
    }
    versions.sort(java.util.Comparator.reverseOrder()); // the newest match is the likeliest
    RegisteredSchema writer = null;
    for (int v : versions) {
      Version version = version(subject, v);
      if (shape.equals(version.shape())) {
        writer = version.schema();
        break;
      }
    }
    if (writer == null) {
      return Optional.of("the record schema (" + shape
          + ") is not registered under subject '" + subject + "': none of its versions "
          + versions + " has these fields, types and optionality");
    }
    RegisteredSchema contract;
    try {
      contract = registry.version(subject, contractVersion);
    } catch (SchemaNotFoundException e) {
      return Optional.of("subject '" + subject + "' has no version '" + contractVersion
          + "' to serve as the contract");
    }
    CompatibilityMode mode;
    try {
      mode = CompatibilityMode.of(registry.compatibility(subject));
    } catch (IllegalArgumentException e) {
      mode = CompatibilityMode.BACKWARD; // the registries' default level
    }
    org.apache.avro.Schema contractSchema;
    try {
      contractSchema = avro(contract);
    } catch (RuntimeException e) {
      return Optional.of("the contract, version " + contract.version() + " of subject '" + subject
          + "', is not an Avro schema this sink can read: " + e.getMessage());
    }
    Optional<String> incompatible = CompatibilityCheck.problem(avro(writer), writer.version(),
        new Contract(subject, contract.version(), contract.id(), contractSchema, Optional.empty()),
        mode);
    if (incompatible.isPresent()) {
      return Optional.of("the record schema is version " + writer.version() + " of subject '"
          + subject + "', which is not compatible with the contract, version "
          + contract.version() + " (" + mode + "): " + incompatible.get());
    }
    LOG.info("Record schema {} is version {} of subject {}, compatible with contract version {}"
        + " ({})", shape, writer.version(), subject, contract.version(), mode);
    return Optional.empty();
  }

  /** A subject version, fetched once. */
  private Version version(String subject, int version) {
    String key = subject + "/" + version;
    Version known = fetched.get(key);
    if (known != null) {
      return known;
    }
    RegisteredSchema registered = registry.version(subject, Integer.toString(version));
    String shape;
    try {
      shape = shape(AvroData.connectSchema(avro(registered)));
    } catch (RuntimeException e) {
      LOG.debug("Version {} of subject {} has no table shape here: {}", version, subject,
          e.getMessage());
      shape = NO_SHAPE;
    }
    Version v = new Version(registered, shape);
    fetched.put(key, v);
    return v;
  }

  private static org.apache.avro.Schema avro(RegisteredSchema s) {
    if (!RegisteredSchema.AVRO.equals(s.schemaType())) {
      throw new IllegalArgumentException("schema type " + s.schemaType() + " is not Avro");
    }
    if (!s.references().isEmpty()) {
      throw new IllegalArgumentException("schema references are not resolved here");
    }
    return new org.apache.avro.Schema.Parser().parse(s.schema());
  }

  /** The record schema's fields, types and optionality, without names, docs or defaults. */
  static String shape(Schema schema) {
    StringBuilder out = new StringBuilder();
    shape(schema, out);
    return out.toString();
  }

  private static void shape(Schema schema, StringBuilder out) {
    String name = schema.name();
    out.append(schema.type().getName());
    if (name != null && LOGICAL.contains(name)) {
      out.append('(').append(name.substring(name.lastIndexOf('.') + 1));
      if (Decimal.LOGICAL_NAME.equals(name)) {
        out.append(',').append(schema.parameters().get(Decimal.SCALE_FIELD));
      }
      out.append(')');
    }
    if (schema.isOptional()) {
      out.append('?');
    }
    switch (schema.type()) {
      case STRUCT -> {
        out.append('{');
        for (Field f : schema.fields()) {
          out.append(f.index() == 0 ? "" : ", ").append(f.name()).append(':');
          shape(f.schema(), out);
        }
        out.append('}');
      }
      case ARRAY -> {
        out.append('<');
        shape(schema.valueSchema(), out);
        out.append('>');
      }
      case MAP -> {
        out.append('<');
        shape(schema.keySchema(), out);
        out.append(',');
        shape(schema.valueSchema(), out);
        out.append('>');
      }
      default -> { }
    }
  }

  @Override
  public synchronized void close() {
    registry.close();
  }
}
