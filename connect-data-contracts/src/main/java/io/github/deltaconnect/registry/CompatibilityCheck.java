package io.github.deltaconnect.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Decides whether a writer schema may enter under a contract, with Avro's own resolution rules
 * ({@link SchemaCompatibility}).
 *
 * <p>Two things must hold. The contract must be able to read the writer's data, since every record
 * is projected onto it. And the pair must satisfy the subject's compatibility level in the
 * direction(s) it names, taking the higher subject version as the newer schema: BACKWARD means the
 * newer reads the older, FORWARD the older reads the newer, FULL both. Transitive levels are checked
 * pairwise here; the registry checks them against every version when a schema is registered, and
 * only registered schemas get this far.
 */
public final class CompatibilityCheck {
  private CompatibilityCheck() {}

  /**
   * Empty when {@code writer} may enter under {@code contract}; otherwise what is wrong.
   * {@code writerVersion} is the writer's version under the contract's subject (0 if unknown, then
   * only the projection is checked).
   */
  public static Optional<String> problem(Schema writer, int writerVersion, Contract contract,
      CompatibilityMode mode) {
    Optional<String> projection = readable(contract.schema(), writer,
        "the contract cannot read it");
    if (projection.isPresent() || mode == CompatibilityMode.NONE || writerVersion <= 0
        || contract.local() || writerVersion == contract.version()) {
      return projection;
    }
    boolean writerNewer = writerVersion > contract.version();
    Schema newer = writerNewer ? writer : contract.schema();
    Schema older = writerNewer ? contract.schema() : writer;
    String which = writerNewer ? "writer" : "contract";
    if (mode.newerReadsOlder()) {
      Optional<String> p = readable(newer, older, mode + " requires the newer schema (the " + which
          + ", version " + Math.max(writerVersion, contract.version()) + ") to read the older");
      if (p.isPresent()) {
        return p;
      }
    }
    if (mode.olderReadsNewer()) {
      return readable(older, newer, mode + " requires the older schema to read the newer (the "
          + which + ", version " + Math.max(writerVersion, contract.version()) + ")");
    }
    return Optional.empty();
  }

  private static Optional<String> readable(Schema reader, Schema writer, String context) {
    SchemaCompatibility.SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
      return Optional.empty();
    }
    List<String> problems = new ArrayList<>();
    for (Incompatibility i : result.getResult().getIncompatibilities()) {
      problems.add("field '" + fieldPath(reader, i.getLocation()) + "': " + i.getType() + " ("
          + i.getMessage() + ")");
    }
    return Optional.of(context + ": " + String.join("; ", problems));
  }

  /**
   * Avro reports locations as JSON pointers into the reader schema ({@code /fields/2/type/items});
   * people want field names ({@code address.lines[]}).
   */
  static String fieldPath(Schema reader, String location) {
    if (location == null || location.isEmpty() || location.equals("/")) {
      return "<record>";
    }
    String[] tokens = location.substring(1).split("/");
    StringBuilder path = new StringBuilder();
    Schema current = reader;
    for (int i = 0; i < tokens.length; i++) {
      String token = tokens[i];
      if (token.equals("fields") && i + 1 < tokens.length && current != null
          && current.getType() == Schema.Type.RECORD) {
        int index = Integer.parseInt(tokens[++i]);
        Schema.Field field = current.getFields().get(index);
        path.append(path.length() == 0 ? "" : ".").append(field.name());
        current = field.schema();
        if (i + 1 < tokens.length && tokens[i + 1].equals("type")) {
          i++;
        }
      } else if (token.equals("items") && current != null && current.getType() == Schema.Type.ARRAY) {
        path.append("[]");
        current = current.getElementType();
      } else if (token.equals("values") && current != null && current.getType() == Schema.Type.MAP) {
        path.append("{}");
        current = current.getValueType();
      } else if (token.matches("\\d+") && current != null && current.getType() == Schema.Type.UNION) {
        current = current.getTypes().get(Integer.parseInt(token));
      } else {
        path.append(path.length() == 0 ? "" : ".").append(token);
        current = null;
      }
    }
    return path.length() == 0 ? "<record>" : path.toString();
  }
}
