package io.github.deltaconnect.contract.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.registry.CompatibilityMode;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class ContractConverterConfigTest {

  static Map<String, String> props(String... kv) {
    Map<String, String> m = new HashMap<>();
    m.put(ContractConverterConfig.REGISTRY_URL, "http://a:8081, http://b:8081/");
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void defaultsAreTopicNamesTheLatestContractAndTheRegistrysLevel() {
    ContractConverterConfig c = new ContractConverterConfig(props());
    assertEquals(List.of(URI.create("http://a:8081"), URI.create("http://b:8081")), c.registryUrls());
    assertEquals(SubjectNameStrategy.TOPIC_NAME, c.subjectNameStrategy());
    assertEquals("latest", c.contractVersion());
    assertEquals(Optional.empty(), c.compatibilityOverride());
    assertEquals(Optional.empty(), c.contractSubject());
  }

  @Test
  void confluentStrategyClassNamesAndLevelsAreAccepted() {
    ContractConverterConfig c = new ContractConverterConfig(props(
        ContractConverterConfig.SUBJECT_NAME_STRATEGY,
        "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy",
        ContractConverterConfig.CONTRACT_COMPATIBILITY, "full_transitive",
        ContractConverterConfig.CONTRACT_VERSION, "3"));
    assertEquals(SubjectNameStrategy.TOPIC_RECORD_NAME, c.subjectNameStrategy());
    assertEquals(Optional.of(CompatibilityMode.FULL_TRANSITIVE), c.compatibilityOverride());
    assertEquals("3", c.contractVersion());
  }

  @Test
  void eachBadValueFailsValidationNamingTheProperty() {
    Map<String, String> bad = props(
        ContractConverterConfig.CONTRACT_VERSION, "v2",
        ContractConverterConfig.SUBJECT_NAME_STRATEGY, "ByColour",
        ContractConverterConfig.CONTRACT_COMPATIBILITY, "SIDEWAYS",
        ContractConverterConfig.CONTRACT_FILE, "/no/such/contract.avsc");
    Map<String, ConfigValue> results = new HashMap<>();
    for (ConfigValue v : ContractConverterConfig.CONFIG_DEF.validate(bad)) {
      results.put(v.name(), v);
    }
    assertTrue(results.get(ContractConverterConfig.CONTRACT_VERSION).errorMessages().get(0)
        .contains("'latest' or a version number"));
    assertTrue(results.get(ContractConverterConfig.SUBJECT_NAME_STRATEGY).errorMessages().get(0)
        .contains("Unknown subject name strategy 'ByColour'"));
    assertTrue(results.get(ContractConverterConfig.CONTRACT_COMPATIBILITY).errorMessages().get(0)
        .contains("Unknown compatibility level 'SIDEWAYS'"));
    assertTrue(results.get(ContractConverterConfig.CONTRACT_FILE).errorMessages().get(0)
        .contains("not a readable file"));
    assertTrue(results.get(ContractConverterConfig.REGISTRY_URL).errorMessages().isEmpty());
  }

  @Test
  void autoRegisterIsRefusedBecauseContractsAreRegisteredByTheirOwners() {
    ConfigException e = assertThrows(ConfigException.class, () -> new ContractConverterConfig(
        props(ContractConverterConfig.AUTO_REGISTER, "true")));
    assertTrue(e.getMessage().contains("auto.register.schemas"), e.getMessage());
  }

  @Test
  void secretsArePasswordsAndStayOutOfToString() {
    ContractConverterConfig c = new ContractConverterConfig(props(
        ContractConverterConfig.BASIC_AUTH_USER_INFO, "svc:s3cret",
        ContractConverterConfig.TRUSTSTORE_PASSWORD, "tr0st"));
    assertEquals(Optional.of("svc:s3cret"), c.basicAuthUserInfo());
    assertFalse(c.toString().contains("s3cret"));
    assertFalse(c.values().toString().contains("tr0st"));
  }

  @Test
  void aRegistryUrlWithCredentialsIsRefusedWithoutEchoingThem() {
    // Refused while parsing, so AbstractConfig never logs the values; a password may hold
    // characters a URI does not allow, or a slash, and is still kept out of the message.
    for (String url : List.of("http://svc:s3cret@sr:8081", "https://svc:s3cr^t@sr:8081/apis",
        "http://a:8081,http://svc:s3cr/t@sr:8081")) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> new ContractConverterConfig(props(ContractConverterConfig.REGISTRY_URL, url)), url);
      assertTrue(e.getMessage().contains("user:password@") && e.getMessage().contains("***@sr"),
          e.getMessage());
      assertFalse(e.getMessage().contains("s3cr"), e.getMessage());
      ConfigValue result = ContractConverterConfig.CONFIG_DEF.validate(
          props(ContractConverterConfig.REGISTRY_URL, url)).stream()
          .filter(v -> v.name().equals(ContractConverterConfig.REGISTRY_URL)).findFirst().orElseThrow();
      assertEquals(1, result.errorMessages().size(), url);
      assertFalse(result.errorMessages().get(0).contains("s3cr"), result.errorMessages().get(0));
    }
  }

  @Test
  void aRegistryUrlThatDoesNotParseFailsValidationNamingTheProperty() {
    ConfigException e = assertThrows(ConfigException.class, () -> new ContractConverterConfig(
        props(ContractConverterConfig.REGISTRY_URL, "http://sr:8081/a b")));
    assertTrue(e.getMessage().contains(ContractConverterConfig.REGISTRY_URL)
        && e.getMessage().contains("is not a URL"), e.getMessage());
  }
}
