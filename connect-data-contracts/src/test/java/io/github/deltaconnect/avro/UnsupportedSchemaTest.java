package io.github.deltaconnect.avro;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

/** Schemas Connect cannot express are refused when compiled, with a message saying why. */
class UnsupportedSchemaTest {

  private static final org.apache.avro.Schema LINKED_LIST = AvroBinary.parse("""
      {"type":"record","name":"Node","namespace":"list","fields":[
        {"name":"value","type":"int"},
        {"name":"next","type":["null","Node"]}]}""");

  @Test
  void aRecursiveSchemaIsRejectedNamingTheCycle() {
    for (Runnable compile : new Runnable[] {
        () -> AvroData.toConnect(LINKED_LIST), () -> AvroData.fromConnect(LINKED_LIST)}) {
      String message = assertThrows(DataException.class, compile::run).getMessage();
      assertTrue(message.contains("recursive"), message);
      assertTrue(message.contains("list.Node -> list.Node"), message);
    }
  }

  @Test
  void anIndirectlyRecursiveSchemaIsRejected() {
    org.apache.avro.Schema avro = AvroBinary.parse("""
        {"type":"record","name":"A","fields":[{"name":"b","type":{"type":"record","name":"B",
          "fields":[{"name":"as","type":{"type":"array","items":"A"}}]}}]}""");
    String message = assertThrows(DataException.class, () -> AvroData.connectSchema(avro))
        .getMessage();
    assertTrue(message.contains("A -> B -> A"), message);
  }

  @Test
  void aBareNullSchemaIsRejected() {
    org.apache.avro.Schema avro = AvroBinary.parse("\"null\"");
    String toConnect = assertThrows(DataException.class, () -> AvroData.toConnect(avro))
        .getMessage();
    assertTrue(toConnect.contains("'null'"), toConnect);
    assertThrows(DataException.class, () -> AvroData.fromConnect(avro));
  }

  @Test
  void aNullTypedFieldIsRejected() {
    org.apache.avro.Schema avro = AvroBinary.parse("""
        {"type":"record","name":"R","fields":[{"name":"nothing","type":"null"}]}""");
    assertThrows(DataException.class, () -> AvroData.toConnect(avro));
  }
}
