package io.github.deltaconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The Hub zip, installed on a worker's plugin.path, is a working plugin. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PluginPackagingIT {
  EmbeddedConnectCluster connect;

  @BeforeAll
  void start() throws InterruptedException {
    connect = ConnectHarness.start("packaging", 1);
  }

  @AfterAll
  void stop() {
    connect.stop();
  }

  @Test
  void theWorkerListsTheConnectorLoadedFromThePackagedZipOnly() {
    assertThrows(ClassNotFoundException.class, () -> Class.forName(ConnectHarness.CONNECTOR_CLASS),
        "the connector must not be on the test classpath, or isolation is not tested");
    Response r = connect.requestGet(connect.endpointForResource("connector-plugins"));
    String body = (String) r.getEntity();
    assertEquals(200, r.getStatus(), body);
    assertTrue(body.contains("\"class\":\"" + ConnectHarness.CONNECTOR_CLASS + "\""), body);
    assertTrue(body.contains("\"version\":\"0.1.0-SNAPSHOT\""), "version from the jar manifest: " + body);
  }

  @Test
  void theWorkerListsBothQualityTransformsFromTheirServiceEntries() {
    Response r = connect.requestGet(
        connect.endpointForResource("connector-plugins?connectorsOnly=false"));
    String body = (String) r.getEntity();
    assertEquals(200, r.getStatus(), body);
    for (String variant : List.of("Value", "Key")) {
      assertTrue(body.contains("\"class\":\"io.github.deltaconnect.quality.QualityRules$" + variant
          + "\",\"type\":\"transformation\""), variant + " (service_load discovery): " + body);
    }
  }

  @Test
  void theZipHoldsNoJarTheWorkerProvides() throws Exception {
    try (Stream<Path> files = Files.walk(ConnectHarness.pluginDir())) {
      List<String> jars = files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".jar")).collect(Collectors.toList());
      assertTrue(jars.stream().anyMatch(n -> n.startsWith("connect-delta-sink-")), jars.toString());
      for (String forbidden : List.of("kafka-clients", "connect-api", "connect-runtime",
          "slf4j-", "log4j-", "logback", "reload4j", "unitycatalog")) {
        assertTrue(jars.stream().noneMatch(n -> n.startsWith(forbidden)),
            forbidden + " must not ship in the plugin: " + jars);
      }
    }
  }

  @Test
  void theZipShipsACycloneDxSbomNamingEveryJarInIt() throws Exception {
    Path sbom;
    List<String> jars;
    try (Stream<Path> files = Files.walk(ConnectHarness.pluginDir())) {
      List<Path> all = files.toList();
      sbom = all.stream().filter(p -> p.getFileName().toString().equals("sbom.cyclonedx.json"))
          .findFirst().orElseThrow(() -> new AssertionError("no SBOM in the zip"));
      jars = all.stream().map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar"))
          .toList();
    }
    JsonNode bom = new ObjectMapper().readTree(sbom.toFile());
    assertEquals("CycloneDX", bom.get("bomFormat").asText());
    java.util.Set<String> named = new java.util.HashSet<>();
    JsonNode self = bom.get("metadata").get("component"); // the bundle's own jar
    named.add(self.get("name").asText() + "-" + self.get("version").asText());
    for (JsonNode c : bom.get("components")) {
      named.add(c.get("name").asText() + "-" + c.get("version").asText());
    }
    List<String> missing = jars.stream()
        .filter(j -> named.stream().noneMatch(n -> j.equals(n + ".jar") || j.startsWith(n + "-")))
        .toList();
    assertEquals(List.of(), missing, "jars the SBOM does not list");
  }

  @Test
  void theZipCarriesTheRootManifestWithTheBuildVersion() throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode root = json.readTree(ConnectHarness.projectRoot().resolve("manifest.json").toFile());
    Path packaged;
    try (Stream<Path> files = Files.walk(ConnectHarness.pluginDir(), 2)) {
      packaged = files.filter(p -> p.getFileName().toString().equals("manifest.json")).findFirst()
          .orElseThrow();
    }
    assertEquals(root, json.readTree(packaged.toFile()));
    assertEquals(System.getProperty("project.version"), root.get("version").asText(),
        "manifest.json version must match the build version");
    assertTrue(packaged.getParent().getFileName().toString().endsWith(root.get("version").asText()));
  }

  @Test
  void theConfigExamplesValidateThroughTheRestApi() {
    for (String example : List.of("local-fs.json", "s3.json", "contract-avro.json",
        "quality-rules.json", "gates-halt.json", "gates-quarantine.json", "gates-alert.json",
        "gates-registry.json", "idempotency.json", "cdc-upsert.json", "routing.json", "compaction.json", "replay-replace.json")) {
      Map<String, String> config = ConfigExamples.load(example);
      config.put("name", "validate-" + example);
      ConfigInfos infos = connect.validateConnectorConfig(ConnectHarness.CONNECTOR_CLASS, config);
      assertEquals(0, infos.errorCount(), example + ": " + errors(infos));
    }
  }

  @Test
  void invalidConfigsFailValidationNamingTheProperty() {
    Map<String, String> config = ConfigExamples.load("local-fs.json");
    config.put("name", "invalid");
    config.remove("delta.table.location");
    config.put("delta.partition.derived", "partition_date=weekday(event_ts)");
    config.put("delta.flush.size", "-5");
    ConfigInfos infos = connect.validateConnectorConfig(ConnectHarness.CONNECTOR_CLASS, config);
    Map<String, List<String>> errors = errors(infos);
    assertTrue(errors.containsKey("delta.table.location"), errors.toString());
    assertTrue(errors.containsKey("delta.flush.size"), errors.toString());
    assertEquals(2, errors.size(), "derived-column errors show once the basics are valid: " + errors);
    config.put("delta.table.location", "/tmp/x");
    config.put("delta.flush.size", "10");
    errors = errors(connect.validateConnectorConfig(ConnectHarness.CONNECTOR_CLASS, config));
    assertTrue(errors.get("delta.partition.derived").get(0).contains("weekday"), errors.toString());
  }

  @Test
  void invalidConverterSettingsFailValidationNamingTheProperty() {
    Map<String, String> config = ConfigExamples.load("contract-avro.json");
    config.put("name", "invalid-contract");
    config.put("value.converter.contract.version", "newest");
    config.put("value.converter.subject.name.strategy", "ByColour");
    Map<String, List<String>> errors =
        errors(connect.validateConnectorConfig(ConnectHarness.CONNECTOR_CLASS, config));
    assertTrue(errors.get("value.converter.contract.version").get(0)
        .contains("'latest' or a version number"), errors.toString());
    assertTrue(errors.get("value.converter.subject.name.strategy").get(0).contains("ByColour"),
        errors.toString());
  }

  /** Tags are a set: the Hub plugin writes them in its own order. */
  static Object normalized(JsonNode node) {
    if (node.isArray() && node.size() > 0 && node.get(0).isTextual()) {
      List<String> values = new java.util.ArrayList<>();
      node.forEach(n -> values.add(n.asText()));
      values.sort(null);
      return values;
    }
    return node;
  }

  static Map<String, List<String>> errors(ConfigInfos infos) {
    return infos.configs().stream().map(ConfigInfo::configValue)
        .filter(v -> !v.errors().isEmpty())
        .collect(Collectors.toMap(v -> v.name(), v -> v.errors()));
  }
}
