package io.github.deltaconnect.contract.errors;

/** Why a record was refused at the contract boundary; the code appears in every rejection message. */
public enum Reason {
  /** Not the Schema Registry wire format: too short, or the first byte is not the magic byte 0. */
  NOT_WIRE_FORMAT,
  /** The schema id in the header is unknown to the registry. */
  UNKNOWN_SCHEMA_ID,
  /** The writer schema exists but is not registered under the contract's subject. */
  NOT_REGISTERED,
  /** The writer schema cannot be read as the contract schema, or breaks the subject's mode. */
  INCOMPATIBLE,
  /** The writer schema is not Avro, or cannot be parsed. */
  UNSUPPORTED_SCHEMA,
  /** The payload does not decode with its writer schema (truncated, corrupt, trailing bytes). */
  CORRUPT,
  /** A contract rule (CEL condition) failed for the record. */
  RULE_FAILED;

  public String code() {
    return name();
  }
}
