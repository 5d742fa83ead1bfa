package io.github.deltaconnect.contract.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.avro.AvroData;
import io.github.deltaconnect.contract.config.ContractConverterConfig;
import io.github.deltaconnect.contract.contract.Contracts;
import io.github.deltaconnect.contract.decode.RecordReader;
import io.github.deltaconnect.contract.metrics.ConverterMetrics;
import io.github.deltaconnect.registry.SchemaRegistry;
import io.github.deltaconnect.contract.testing.InMemoryRegistry;
import io.github.deltaconnect.contract.wire.WireFormat;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class RecordWriterTest {
  static final String V1 = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":["
      + "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"qty\",\"type\":\"int\"},"
      + "{\"name\":\"channel\",\"type\":[\"null\",\"string\"],\"default\":null}]}";

  final InMemoryRegistry registry = new InMemoryRegistry();

  ContractConverterConfig config(String... kv) {
    Map<String, String> props = new HashMap<>();
    props.put(ContractConverterConfig.REGISTRY_URL, "http://unused:1");
    for (int i = 0; i < kv.length; i += 2) {
      props.put(kv[i], kv[i + 1]);
    }
    return new ContractConverterConfig(props);
  }

  RecordWriter writer(ContractConverterConfig config) {
    Optional<SchemaRegistry> reg = Optional.of(registry);
    return new RecordWriter(config, false, new Contracts(config, reg, System::nanoTime),
        AvroData::fromConnect);
  }

  RecordReader reader(ContractConverterConfig config) {
    Optional<SchemaRegistry> reg = Optional.of(registry);
    return new RecordReader(config, false, reg, new Contracts(config, reg, System::nanoTime),
        new ConverterMetrics(Optional.empty()), System::nanoTime, AvroData::toConnect);
  }

  @Test
  void aValueFromAnotherSourceIsWrittenUnderTheContractsIdAndReadsBack() {
    int id = registry.register("orders-value", V1);
    // A source connector's schema: other field order, no channel, an extra field.
    Schema source = SchemaBuilder.struct().name("whatever")
        .field("qty", Schema.INT32_SCHEMA).field("note", Schema.STRING_SCHEMA)
        .field("id", Schema.STRING_SCHEMA).build();
    Struct value = new Struct(source).put("qty", 3).put("note", "ignored").put("id", "o-1");

    byte[] bytes = writer(config()).write("orders", source, value);

    assertEquals(id, WireFormat.schemaId(bytes));
    SchemaAndValue back = reader(config()).read("orders", bytes);
    Struct s = (Struct) back.value();
    assertEquals("o-1", s.getString("id"));
    assertEquals(3, s.getInt32("qty"));
    assertNull(s.get("channel"), "missing optional field written as its default");
    assertNull(registry.lookup("orders-value", "{\"type\":\"string\"}").orElse(null),
        "nothing was registered");
  }

  @Test
  void aValueMissingARequiredFieldIsRefusedNamingIt() {
    registry.register("orders-value", V1);
    Schema source = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).build();
    DataException e = assertThrows(DataException.class, () -> writer(config())
        .write("orders", source, new Struct(source).put("id", "o-2")));
    assertTrue(e.getMessage().contains("qty"), e.getMessage());
  }

  @Test
  void aLocalContractHasNoIdToWrite() {
    DataException e = assertThrows(DataException.class, () -> writer(config(
        ContractConverterConfig.REGISTRY_URL, "", ContractConverterConfig.CONTRACT_SCHEMA, V1))
        .write("orders", null, "x"));
    assertTrue(e.getMessage().contains("no registry schema id"), e.getMessage());
  }

  @Test
  void nullStaysNull() {
    assertNull(writer(config()).write("orders", null, null));
  }
}
