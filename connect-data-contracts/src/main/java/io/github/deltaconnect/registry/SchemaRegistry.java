package io.github.deltaconnect.registry;

import java.util.List;
import java.util.Optional;

/**
 * The read side of the Confluent Schema Registry REST API that a contract converter needs.
 *
 * <p>Errors: {@link SchemaNotFoundException} when the registry says the thing does not exist,
 * {@link RegistryUnavailableException} when no registry could answer (transient), and {@link
 * RegistryException} for any other refusal (bad credentials, bad request).
 */
public interface SchemaRegistry extends AutoCloseable {

  /** {@code GET /schemas/ids/{id}}; the result has no subject and version 0. */
  RegisteredSchema byId(int id);

  /**
   * {@code GET /subjects/{subject}/versions/{version}}.
   *
   * @param version {@code latest} or a version number (1, 2, ...)
   */
  RegisteredSchema version(String subject, String version);

  /**
   * Whether {@code schema} (Avro schema JSON) is registered under {@code subject}: {@code POST
   * /subjects/{subject}}. Empty when the subject or the schema is unknown.
   */
  Optional<RegisteredSchema> lookup(String subject, String schema);

  /** {@code GET /subjects/{subject}/versions}; empty when the subject is unknown. */
  List<Integer> versions(String subject);

  /**
   * The compatibility level that governs {@code subject} (its own level, else the global one), e.g.
   * {@code BACKWARD}, {@code FULL_TRANSITIVE}, {@code NONE}.
   */
  String compatibility(String subject);

  @Override
  void close();
}
