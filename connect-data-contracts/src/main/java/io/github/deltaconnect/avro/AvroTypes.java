package io.github.deltaconnect.avro;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.Schema.Type;
import org.apache.kafka.connect.errors.DataException;

/** Avro schema facts both compilers need, decided the same way in both directions. */
final class AvroTypes {

  private AvroTypes() {}

  static boolean nullable(Schema schema) {
    if (schema.getType() == Type.NULL) {
      return true;
    }
    if (schema.getType() == Type.UNION) {
      for (Schema branch : schema.getTypes()) {
        if (branch.getType() == Type.NULL) {
          return true;
        }
      }
    }
    return false;
  }

  static List<Schema> nonNullBranches(Schema union) {
    List<Schema> out = new ArrayList<>();
    for (Schema branch : union.getTypes()) {
      if (branch.getType() != Type.NULL) {
        out.add(branch);
      }
    }
    return out;
  }

  /**
   * Connect field names for the branches of a multi-branch union: the primitive type name, {@code
   * array}, {@code map}, or a named type's simple name, falling back to its full name when two
   * branches share a simple name (Avro only requires full names to differ).
   */
  static List<String> branchNames(List<Schema> branches) {
    Map<String, Integer> simpleNames = new HashMap<>();
    for (Schema branch : branches) {
      simpleNames.merge(simpleName(branch), 1, Integer::sum);
    }
    List<String> out = new ArrayList<>(branches.size());
    for (Schema branch : branches) {
      String simple = simpleName(branch);
      out.add(simpleNames.get(simple) > 1 ? branch.getFullName() : simple);
    }
    return out;
  }

  private static String simpleName(Schema branch) {
    return switch (branch.getType()) {
      case RECORD, ENUM, FIXED -> branch.getName();
      default -> branch.getType().getName();
    };
  }

  /** Guards compilation against recursive records, which no Connect schema can express. */
  static final class Stack {
    private final Set<String> records = new LinkedHashSet<>();

    void push(Schema record) {
      if (!records.add(record.getFullName())) {
        throw new DataException("Avro record '" + record.getFullName() + "' is recursive ("
            + String.join(" -> ", records) + " -> " + record.getFullName()
            + "); Connect schemas cannot express recursive types");
      }
    }

    void pop(Schema record) {
      records.remove(record.getFullName());
    }
  }

  static DataException nullType(String where) {
    return new DataException("the Avro 'null' type is only supported as a union branch, found "
        + where);
  }
}
