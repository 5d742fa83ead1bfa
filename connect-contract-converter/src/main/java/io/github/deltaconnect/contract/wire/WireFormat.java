package io.github.deltaconnect.contract.wire;

import io.github.deltaconnect.contract.errors.ContractViolation;
import io.github.deltaconnect.contract.errors.Reason;

/**
 * The Schema Registry wire format: magic byte {@code 0}, the writer schema id as a 4-byte
 * big-endian int, then the Avro binary encoding of the value.
 */
public final class WireFormat {
  public static final byte MAGIC = 0;
  public static final int HEADER_BYTES = 5;

  private WireFormat() {}

  /** The schema id of a wire-format payload; refuses anything that is not one. */
  public static int schemaId(byte[] payload) {
    if (payload.length < HEADER_BYTES) {
      throw new ContractViolation(Reason.NOT_WIRE_FORMAT, "payload has " + payload.length
          + " bytes, shorter than the 5-byte Schema Registry header (magic byte + schema id)");
    }
    if (payload[0] != MAGIC) {
      throw new ContractViolation(Reason.NOT_WIRE_FORMAT, String.format(
          "first byte is 0x%02x, not the Schema Registry magic byte 0x00", payload[0] & 0xff));
    }
    return ((payload[1] & 0xff) << 24) | ((payload[2] & 0xff) << 16) | ((payload[3] & 0xff) << 8)
        | (payload[4] & 0xff);
  }

  /** Writes the header for {@code schemaId} into the first five bytes of {@code out}. */
  public static void writeHeader(int schemaId, byte[] out) {
    out[0] = MAGIC;
    out[1] = (byte) (schemaId >>> 24);
    out[2] = (byte) (schemaId >>> 16);
    out[3] = (byte) (schemaId >>> 8);
    out[4] = (byte) schemaId;
  }
}
