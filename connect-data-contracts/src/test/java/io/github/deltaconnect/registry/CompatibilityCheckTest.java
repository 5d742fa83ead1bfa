package io.github.deltaconnect.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CompatibilityCheckTest {
  static final String V1 = "{\"type\":\"record\",\"name\":\"Event\",\"namespace\":\"shop\",\"fields\":["
      + "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"qty\",\"type\":\"int\"},"
      + "{\"name\":\"address\",\"type\":{\"type\":\"record\",\"name\":\"Address\",\"fields\":["
      + "{\"name\":\"city\",\"type\":\"string\"}]}}]}";
  /** v1 + an optional field with a default: BACKWARD and FORWARD compatible. */
  static final String V2 = V1.replace("}]}}]}",
      "}]}},{\"name\":\"channel\",\"type\":[\"null\",\"string\"],\"default\":null}]}");
  /** qty widened to long: v3 reads v1/v2 (promotion), v1 cannot read v3. */
  static final String V3_LONG_QTY = V2.replace("\"qty\",\"type\":\"int\"", "\"qty\",\"type\":\"long\"");
  /** city changed to an int: nobody reads anybody. */
  static final String V4_INT_CITY = V2.replace("\"city\",\"type\":\"string\"", "\"city\",\"type\":\"int\"");
  /** A new required field without a default. */
  static final String V5_REQUIRED = V2.replace("}]}}", "}]}},{\"name\":\"sku\",\"type\":\"string\"}");

  static Schema parse(String s) {
    return new Schema.Parser().parse(s);
  }

  static Contract contract(String schema, int version) {
    return new Contract("shop-value", version, 100 + version, parse(schema), Optional.empty());
  }

  @Test
  void anOlderWriterIsProjectedOntoANewerContractWithDefaults() {
    assertEquals(Optional.empty(), CompatibilityCheck.problem(parse(V1), 1, contract(V2, 2),
        CompatibilityMode.FULL_TRANSITIVE));
  }

  @Test
  void aNewerWriterWithAnExtraFieldIsProjectedOntoAnOlderContract() {
    assertEquals(Optional.empty(), CompatibilityCheck.problem(parse(V2), 2, contract(V1, 1),
        CompatibilityMode.BACKWARD));
  }

  @Test
  void aTypeChangeInANestedFieldIsRefusedAndTheFieldIsNamed() {
    Optional<String> problem = CompatibilityCheck.problem(parse(V4_INT_CITY), 4, contract(V2, 2),
        CompatibilityMode.BACKWARD);
    assertTrue(problem.isPresent());
    assertTrue(problem.get().contains("field 'address.city': TYPE_MISMATCH"), problem.get());
  }

  @Test
  void aRequiredFieldTheContractLacksIsFineForProjectionButNotForAnOlderWriter() {
    // Contract v5 has sku without a default: v2 data cannot be read as v5.
    Optional<String> problem = CompatibilityCheck.problem(parse(V2), 2, contract(V5_REQUIRED, 5),
        CompatibilityMode.NONE);
    assertTrue(problem.get().contains("field 'sku': READER_FIELD_MISSING_DEFAULT_VALUE"),
        problem.get());
  }

  @Test
  void forwardModeRefusesAPromotionTheOlderContractCannotRead() {
    // The contract (v2, int qty) cannot read v3's long qty: refused whatever the mode.
    assertTrue(CompatibilityCheck.problem(parse(V3_LONG_QTY), 3, contract(V2, 2),
        CompatibilityMode.NONE).isPresent());
    // A v2 writer under a v3 contract: projection fine (int -> long). BACKWARD asks v3 to read v2:
    // fine. FORWARD asks v2 to read v3: refused, and the message says which direction failed.
    assertEquals(Optional.empty(), CompatibilityCheck.problem(parse(V2), 2, contract(V3_LONG_QTY, 3),
        CompatibilityMode.BACKWARD));
    Optional<String> forward = CompatibilityCheck.problem(parse(V2), 2, contract(V3_LONG_QTY, 3),
        CompatibilityMode.FORWARD);
    assertTrue(forward.get().startsWith("FORWARD requires the older schema to read the newer"),
        forward.get());
    assertTrue(forward.get().contains("field 'qty'"), forward.get());
  }

  @Test
  void locationsBecomeFieldPathsThroughArraysMapsAndUnions() {
    Schema s = parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":"
        + "[\"null\",{\"type\":\"array\",\"items\":{\"type\":\"map\",\"values\":{\"type\":\"record\","
        + "\"name\":\"In\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}}}]}]}");
    assertEquals("a[]{}.x",
        CompatibilityCheck.fieldPath(s, "/fields/0/type/1/items/values/fields/0/type"));
    assertEquals("<record>", CompatibilityCheck.fieldPath(s, "/"));
  }
}
