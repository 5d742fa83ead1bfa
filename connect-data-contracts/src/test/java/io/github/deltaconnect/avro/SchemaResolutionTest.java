package io.github.deltaconnect.avro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

/**
 * The converter's real input: a producer writes with its own schema, the consumer decodes with the
 * contract as reader schema, and the converter compiled for the contract converts the result.
 */
class SchemaResolutionTest {

  private static final org.apache.avro.Schema PRODUCER = AvroBinary.parse("""
      {"type":"record","name":"Event","namespace":"shop","fields":[
        {"name":"id","type":"string"},
        {"name":"qty","type":"int"},
        {"name":"internal","type":"string"},
        {"name":"score","type":["null","int"]},
        {"name":"at","type":{"type":"long","logicalType":"timestamp-micros"}}]}""");

  /** Drops {@code internal}, adds {@code channel} with a default, widens int to long, reorders. */
  private static final org.apache.avro.Schema CONTRACT = AvroBinary.parse("""
      {"type":"record","name":"Event","namespace":"shop","fields":[
        {"name":"at","type":{"type":"long","logicalType":"timestamp-micros"}},
        {"name":"id","type":"string"},
        {"name":"qty","type":"long"},
        {"name":"score","type":["null","long"]},
        {"name":"channel","type":"string","default":"web"}]}""");

  private static Object producerDecodedAsContract(GenericData.Record written) {
    return AvroBinary.read(PRODUCER, CONTRACT, AvroBinary.write(PRODUCER, written));
  }

  private static GenericData.Record event(Integer score) {
    GenericData.Record event = new GenericData.Record(PRODUCER);
    event.put("id", "e-1");
    event.put("qty", 3);
    event.put("internal", "secret");
    event.put("score", score);
    event.put("at", 1_700_000_000_000_001L);
    return event;
  }

  @Test
  void aProducerRecordDecodedWithTheContractConvertsToTheContractShape() {
    AvroToConnect toConnect = AvroData.toConnect(CONTRACT);
    Struct struct = (Struct) toConnect.convert(producerDecodedAsContract(event(12)));

    assertEquals(List.of("at", "id", "qty", "score", "channel"),
        struct.schema().fields().stream().map(Field::name).toList(), "the contract's fields only");
    assertEquals(1_700_000_000_000_001L, struct.get("at"));
    assertEquals("e-1", struct.get("id"));
    assertEquals(3L, struct.get("qty"), "int promoted to long");
    assertEquals(12L, struct.get("score"), "int promoted to long inside a nullable union");
    assertEquals("web", struct.get("channel"), "the added field takes its default");
    assertEquals(Schema.Type.INT64, struct.schema().field("qty").schema().type());
    assertEquals("web", struct.schema().field("channel").schema().defaultValue());
  }

  @Test
  void aNullInAResolvedUnionStaysNull() {
    Struct struct =
        (Struct) AvroData.toConnect(CONTRACT).convert(producerDecodedAsContract(event(null)));
    assertNull(struct.get("score"));
  }

  @Test
  void theContractShapedValueConvertsBackToAContractRecord() {
    AvroToConnect toConnect = AvroData.toConnect(CONTRACT);
    Object decoded = producerDecodedAsContract(event(1));
    Object back = AvroData.fromConnect(CONTRACT)
        .convert(toConnect.schema(), toConnect.convert(decoded));
    assertEquals(decoded, AvroBinary.decode(CONTRACT, back));
  }
}
