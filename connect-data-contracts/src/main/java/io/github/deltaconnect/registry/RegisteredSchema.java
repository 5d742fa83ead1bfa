package io.github.deltaconnect.registry;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A schema as the registry stores it.
 *
 * @param id the registry-wide schema id (the one in the wire format)
 * @param subject the subject, or null when the schema was fetched by id alone
 * @param version the version under {@code subject}, or 0 when unknown
 * @param schemaType AVRO, JSON or PROTOBUF; registries omit it for AVRO
 * @param schema the schema text exactly as the registry returned it (it may be reformatted)
 * @param references the references the schema declares, unresolved
 * @param ruleSet the raw JSON of the data-contract {@code ruleSet}, when the registry keeps one
 * @param metadata the raw JSON of the data-contract {@code metadata}, when the registry keeps one
 */
public record RegisteredSchema(
    int id,
    String subject,
    int version,
    String schemaType,
    String schema,
    List<Reference> references,
    Optional<String> ruleSet,
    Optional<String> metadata) {

  public static final String AVRO = "AVRO";

  public RegisteredSchema {
    Objects.requireNonNull(schema, "schema");
    schemaType = schemaType == null || schemaType.isBlank() ? AVRO : schemaType;
    references = references == null ? List.of() : List.copyOf(references);
    ruleSet = ruleSet == null ? Optional.empty() : ruleSet;
    metadata = metadata == null ? Optional.empty() : metadata;
  }

  /** A plain Avro schema without subject, references or contract parts. */
  public static RegisteredSchema avro(int id, String subject, int version, String schema) {
    return new RegisteredSchema(
        id, subject, version, AVRO, schema, List.of(), Optional.empty(), Optional.empty());
  }

  /** The same schema seen under a subject and version (the registry says so in lookups). */
  public RegisteredSchema withSubjectVersion(String subject, int version) {
    return new RegisteredSchema(id, subject, version, schemaType, schema, references, ruleSet, metadata);
  }
}
