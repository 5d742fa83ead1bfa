package io.github.deltaconnect.contract.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.contract.errors.ContractViolation;
import io.github.deltaconnect.contract.errors.Reason;
import org.junit.jupiter.api.Test;

class WireFormatTest {

  @Test
  void theSchemaIdIsReadBigEndianAfterTheMagicByte() {
    byte[] payload = {0, 0x01, 0x02, 0x03, 0x04, 42};
    assertEquals(0x01020304, WireFormat.schemaId(payload));
    byte[] header = new byte[5];
    WireFormat.writeHeader(0x7f00ff01, header);
    assertEquals(0x7f00ff01, WireFormat.schemaId(header));
  }

  @Test
  void aPayloadShorterThanTheHeaderIsNotWireFormat() {
    ContractViolation v = assertThrows(ContractViolation.class,
        () -> WireFormat.schemaId(new byte[] {0, 0, 1}));
    assertEquals(Reason.NOT_WIRE_FORMAT, v.reason());
    assertTrue(v.getMessage().contains("3 bytes"), v.getMessage());
  }

  @Test
  void aWrongMagicByteIsNotWireFormatAndTheByteIsNamed() {
    ContractViolation v = assertThrows(ContractViolation.class,
        () -> WireFormat.schemaId("{\"json\":1}".getBytes()));
    assertEquals(Reason.NOT_WIRE_FORMAT, v.reason());
    assertTrue(v.getMessage().startsWith("[NOT_WIRE_FORMAT] first byte is 0x7b"), v.getMessage());
  }
}
