package io.github.deltaconnect.quality.rule;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A check of the value at one field path. A path that does not exist in a struct's schema is a
 * violation of the rule (with the reason), never a silent pass: a misspelt field must not wave
 * every record through. The schema answer is remembered for the last schema seen, which is
 * almost always the schema of the next record.
 */
abstract class PathCheck implements Check {
  private static final Logger LOG = LoggerFactory.getLogger(PathCheck.class);

  final FieldPath path;
  private final boolean showValues;
  private Schema lastSchema;
  private String lastMissing;

  PathCheck(FieldPath path, boolean showValues) {
    this.path = path;
    this.showValues = showValues;
  }

  /** The value as messages show it: itself (shortened), or only its kind when values are hidden. */
  final String show(Object value) {
    return showValues ? Values.show(value) : Values.hidden(value);
  }

  @Override
  public final String violation(Object root) {
    if (root instanceof Struct struct) {
      Schema schema = struct.schema();
      // Identity first (converters reuse schema objects); equals() for those that do not, so the
      // WARN below stays once per schema.
      if (schema != lastSchema && !schema.equals(lastSchema)) {
        lastMissing = path.missingIn(schema);
        lastSchema = schema;
        if (lastMissing != null) {
          LOG.warn("Field '{}' does not exist in schema {}: {}; the rule is violated by every"
              + " record of this schema", path, schema.name(), lastMissing);
        }
      }
      if (lastMissing != null) {
        return "field '" + path + "' does not exist: " + lastMissing;
      }
    }
    return check(path.resolve(root));
  }

  /** Null when {@code value} (maybe null or {@link FieldPath#ABSENT}) passes; else why not. */
  abstract String check(Object value);

  /** Rules other than not_null and required leave null and absent values to those two. */
  static boolean nothing(Object value) {
    return value == null || value == FieldPath.ABSENT;
  }
}
