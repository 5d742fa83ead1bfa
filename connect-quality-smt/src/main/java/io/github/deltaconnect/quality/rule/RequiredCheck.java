package io.github.deltaconnect.quality.rule;

import java.util.ArrayList;
import java.util.List;

/**
 * Every listed field is present (a struct field of the schema, a key of a map); null is allowed,
 * not_null refuses it.
 */
public final class RequiredCheck implements Check {
  private final List<PresentCheck> fields;

  public RequiredCheck(List<FieldPath> paths) {
    this.fields = paths.stream().map(PresentCheck::new).toList();
  }

  @Override
  public String violation(Object root) {
    List<String> missing = null;
    for (PresentCheck field : fields) {
      String v = field.violation(root);
      if (v != null) {
        if (missing == null) {
          missing = new ArrayList<>(2);
        }
        missing.add(v);
      }
    }
    return missing == null ? null : String.join("; ", missing);
  }

  private static final class PresentCheck extends PathCheck {
    PresentCheck(FieldPath path) {
      super(path, true); // shows no value
    }

    @Override
    String check(Object value) {
      return value == FieldPath.ABSENT ? path + " is absent" : null;
    }
  }
}
