package io.github.deltaconnect.contract.contract;

import io.github.deltaconnect.registry.Contract;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.deltaconnect.contract.config.ContractConverterConfig;
import io.github.deltaconnect.contract.errors.ContractViolation;
import io.github.deltaconnect.contract.errors.Reason;
import io.github.deltaconnect.registry.RegisteredSchema;
import io.github.deltaconnect.registry.RegistryException;
import io.github.deltaconnect.registry.SchemaNotFoundException;
import io.github.deltaconnect.registry.SchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current contract per subject: a pinned registry version, the latest version (re-read on an
 * interval, so a new contract version is picked up without a restart), or a local schema.
 * Not thread-safe: Connect gives each task its own converter.
 */
public final class Contracts {
  private static final Logger LOG = LoggerFactory.getLogger(Contracts.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Optional<SchemaRegistry> registry;
  private final String version;
  private final long refreshNanos;
  private final long missingRetryNanos;
  private final Optional<Contract> local;
  private final LongSupplier nanoTime;
  private final Map<String, Entry> bySubject = new HashMap<>();

  /** A subject's contract, or why it has none, until {@code recheckAt}. */
  private record Entry(Contract contract, String missing, long recheckAt) {}

  public Contracts(ContractConverterConfig config, Optional<SchemaRegistry> registry,
      LongSupplier nanoTime) {
    this.registry = registry;
    this.version = config.contractVersion();
    this.refreshNanos = ContractConverterConfig.LATEST.equals(version)
        ? config.contractRefresh().toNanos() : Long.MAX_VALUE;
    this.missingRetryNanos = Math.max(1, config.negativeCacheTtl().toNanos());
    this.nanoTime = nanoTime;
    this.local = localContract(config);
  }

  /** The contract given in the config, if any: it then applies to every subject. */
  public Optional<Contract> local() {
    return local;
  }

  /**
   * The subject's contract now. A subject without the configured version is a contract violation
   * for the record at hand (with RecordNameStrategy: a record type nobody agreed on).
   */
  public Contract current(String subject) {
    if (local.isPresent()) {
      return local.get();
    }
    Entry entry = bySubject.get(subject);
    long now = nanoTime.getAsLong();
    if (entry == null || now - entry.recheckAt() >= 0) {
      entry = fetch(subject, entry, now);
      bySubject.put(subject, entry);
    }
    if (entry.contract() == null) {
      throw new ContractViolation(Reason.NOT_REGISTERED, entry.missing());
    }
    return entry.contract();
  }

  private Entry fetch(String subject, Entry previous, long now) {
    SchemaRegistry reg = registry.orElseThrow();
    try {
      RegisteredSchema s = reg.version(subject, version);
      Contract contract = new Contract(subject, s.version(), s.id(), parse(s.schema(), subject),
          s.ruleSet());
      if (previous == null || previous.contract() == null) {
        LOG.info("Contract for subject {}: version {} (schema id {})", subject, s.version(), s.id());
      } else if (previous.contract().id() != s.id()) {
        LOG.info("Contract for subject {} moved from version {} to version {} (schema id {}):"
                + " records are now projected onto the new version", subject,
            previous.contract().version(), s.version(), s.id());
      } else {
        contract = previous.contract(); // unchanged: keep the instance, decisions stay valid
      }
      return new Entry(contract, null, now + refreshNanos);
    } catch (SchemaNotFoundException e) {
      String missing = "subject '" + subject + "' has no version '" + version
          + "' in the registry: no contract to admit records against";
      if (previous == null || previous.contract() != null) {
        LOG.error("{} ({})", missing, e.getMessage());
      }
      return new Entry(null, missing, now + missingRetryNanos);
    } catch (RegistryException e) {
      if (previous != null && previous.contract() != null) {
        // Keep admitting against the contract we have; an outage must not stop a healthy stream.
        LOG.warn("Could not refresh the contract for subject {}; keeping version {}: {}", subject,
            previous.contract().version(), e.getMessage());
        return new Entry(previous.contract(), null, now + Math.min(refreshNanos, missingRetryNanos));
      }
      throw e;
    }
  }

  private static Schema parse(String schema, String subject) {
    try {
      return new Schema.Parser().parse(schema);
    } catch (SchemaParseException e) {
      throw new ContractViolation(Reason.UNSUPPORTED_SCHEMA, "the contract schema of subject '"
          + subject + "' is not a valid Avro schema: " + e.getMessage(), e);
    }
  }

  private static Optional<Contract> localContract(ContractConverterConfig config) {
    String label = config.contractSubject().orElse("local");
    if (config.contractSchema().isPresent()) {
      return Optional.of(new Contract(label, 0, -1,
          parseLocal(config.contractSchema().get(), ContractConverterConfig.CONTRACT_SCHEMA),
          Optional.empty()));
    }
    if (config.contractFile().isEmpty()) {
      return Optional.empty();
    }
    String file = config.contractFile().get();
    String text;
    try {
      text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(ContractConverterConfig.CONTRACT_FILE, file,
          "cannot be read: " + e.getMessage());
    }
    JsonNode root = readJson(text, file);
    if (root.isObject() && root.has("schema") && root.get("schema").isTextual()) {
      // A registration: {"schema": "<schema JSON as a string>", "ruleSet": {...}}.
      JsonNode rules = root.get("ruleSet");
      return Optional.of(new Contract(label, 0, -1,
          parseLocal(root.get("schema").asText(), ContractConverterConfig.CONTRACT_FILE),
          rules == null || rules.isNull() ? Optional.empty() : Optional.of(rules.toString())));
    }
    return Optional.of(new Contract(label, 0, -1,
        parseLocal(text, ContractConverterConfig.CONTRACT_FILE), Optional.empty()));
  }

  private static JsonNode readJson(String text, String file) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new ConfigException(ContractConverterConfig.CONTRACT_FILE, file,
          "is not JSON: " + e.getMessage());
    }
  }

  private static Schema parseLocal(String schema, String property) {
    try {
      return new Schema.Parser().parse(schema);
    } catch (SchemaParseException e) {
      throw new ConfigException(property, abbreviate(schema), "is not a valid Avro schema: "
          + e.getMessage());
    } catch (UncheckedIOException e) {
      throw new ConfigException(property, abbreviate(schema), e.getMessage());
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
