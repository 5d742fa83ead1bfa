package io.github.deltaconnect.contract.contract;

import io.github.deltaconnect.registry.Contract;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.contract.config.ContractConverterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContractsTest {
  static final String SCHEMA = "{\"type\":\"record\",\"name\":\"Event\",\"fields\":["
      + "{\"name\":\"id\",\"type\":\"string\"}]}";

  @TempDir
  Path dir;

  static Contracts contracts(Map<String, String> props) {
    return new Contracts(new ContractConverterConfig(props), Optional.empty(), System::nanoTime);
  }

  @Test
  void anAvscFileIsTheContractForEverySubject() throws Exception {
    Path file = Files.writeString(dir.resolve("event.avsc"), SCHEMA);
    Contracts c = contracts(Map.of(ContractConverterConfig.CONTRACT_FILE, file.toString()));
    Contract contract = c.current("anything-value");
    assertEquals("Event", contract.schema().getFullName());
    assertTrue(contract.local());
    assertEquals(contract, c.current("other-value"));
  }

  @Test
  void aRegistrationFileCarriesTheSchemaAndItsRuleSet() throws Exception {
    String registration = "{\"schema\": " + com.fasterxml.jackson.databind.node.TextNode
        .valueOf(SCHEMA) + ", \"ruleSet\": {\"domainRules\": [{\"name\": \"idNotEmpty\","
        + " \"kind\": \"CONDITION\", \"type\": \"CEL\", \"expr\": \"message.id != ''\"}]}}";
    Path file = Files.writeString(dir.resolve("event.json"), registration);
    Contract contract = contracts(Map.of(ContractConverterConfig.CONTRACT_FILE, file.toString()))
        .current("events-value");
    assertEquals("Event", contract.schema().getName());
    assertTrue(contract.ruleSet().orElseThrow().contains("idNotEmpty"));
  }

  @Test
  void anInvalidInlineSchemaIsAConfigErrorNamingTheProperty() {
    ConfigException e = assertThrows(ConfigException.class, () -> contracts(Map.of(
        ContractConverterConfig.CONTRACT_SCHEMA, "{\"type\":\"record\",\"name\":\"E\"}")));
    assertTrue(e.getMessage().contains(ContractConverterConfig.CONTRACT_SCHEMA), e.getMessage());
    assertTrue(e.getMessage().contains("is not a valid Avro schema"), e.getMessage());
  }
}
