package io.github.deltaconnect.registry;

import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The agreed schema for a subject: what every admitted record is projected onto.
 *
 * @param subject the registry subject (or a label for a local contract)
 * @param version the subject version, 0 for a local contract
 * @param id the registry schema id, -1 for a local contract
 * @param schema the contract's Avro schema
 * @param ruleSet the contract's data-contract rules (raw JSON), if any
 */
public record Contract(String subject, int version, int id, Schema schema, Optional<String> ruleSet) {

  public boolean local() {
    return version == 0;
  }

  public String describe() {
    return local() ? "local contract " + schema.getFullName()
        : "contract " + subject + " version " + version + " (schema id " + id + ")";
  }
}
