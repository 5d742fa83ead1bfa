package io.github.deltaconnect.sink.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.gate.GateAction;
import io.github.deltaconnect.sink.gate.GateMetric;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Gate configuration: the pipeline-file shape, and errors naming the full property. */
class GateConfigTest {

  static Map<String, String> props(String... kv) {
    Map<String, String> p = new HashMap<>();
    p.put(DeltaSinkConfig.TABLE_LOCATION, "/tmp/t");
    for (int i = 0; i < kv.length; i += 2) {
      p.put(kv[i], kv[i + 1]);
    }
    return p;
  }

  static String error(String... kv) {
    return assertThrows(ConfigException.class, () -> new DeltaSinkConfig(props(kv))).getMessage();
  }

  @Test
  void theGatesOfAPipelineFileReadAsConfigured() {
    DeltaSinkConfig c = new DeltaSinkConfig(props("delta.gates", "volume,user_nulls,score",
        "delta.gate.volume.metric", "row_count_delta", "delta.gate.volume.threshold", "0.15",
        "delta.gate.volume.window", "5",
        "delta.gate.user_nulls.metric", "null_rate_user_id",
        "delta.gate.user_nulls.threshold", "0.02", "delta.gate.user_nulls.action", "alert",
        "delta.gate.score.metric", "data_quality_score", "delta.gate.score.threshold", "0.9"));
    assertEquals(3, c.gates().size());
    assertEquals(new GateMetric.RowCountDelta(), c.gates().get(0).metric());
    assertEquals(5, c.gates().get(0).window());
    assertEquals(GateAction.HALT_AND_ALERT, c.gates().get(0).action(), "the default action");
    assertEquals(new GateMetric.NullRate(List.of("user_id")), c.gates().get(1).metric());
    assertEquals(GateAction.ALERT, c.gates().get(1).action());
    assertEquals(List.of(), new DeltaSinkConfig(props()).gates());
  }

  @Test
  void errorsNameTheGatesProperty() {
    assertTrue(error("delta.gates", "g", "delta.gate.g.metric", "null_ratio")
        .contains("delta.gate.g.metric"));
    assertTrue(error("delta.gates", "g", "delta.gate.g.metric", "null_rate_x")
        .contains("delta.gate.g.threshold"));
    assertTrue(error("delta.gates", "g", "delta.gate.g.metric", "null_rate_x",
        "delta.gate.g.threshold", "2").contains("at most 1"));
    assertTrue(error("delta.gates", "g", "delta.gate.g.metric", "row_count")
        .contains("delta.gate.g.min or delta.gate.g.max"));
    assertTrue(error("delta.gates", "g", "delta.gate.g.metric", "max_amount",
        "delta.gate.g.min", "5", "delta.gate.g.max", "1").contains("below delta.gate.g.min"));
    assertTrue(error("delta.gates", "g", "delta.gate.g.metric", "schema_hash",
        "delta.gate.g.action", "registry_validaton").contains("registry_validation"));
    assertTrue(error("delta.gates", "g", "delta.gate.g.metric", "schema_hash",
        "delta.gate.h.metric", "row_count").contains("not listed in delta.gates"));
    assertTrue(error("delta.gates", "g", "delta.gate.g.metric", "schema_hash",
        "delta.gate.g.treshold", "1").contains("unknown gate property 'treshold'"));
    assertTrue(error("delta.gates", "g,g").contains("listed twice"));
  }

  @Test
  void aRegistryValidationGateNeedsSchemaHashAndARegistryUrl() {
    DeltaSinkConfig c = new DeltaSinkConfig(props("delta.gates", "schema",
        "delta.gate.schema.metric", "schema_hash",
        "delta.gate.schema.action", "registry_validation",
        "delta.gate.schema.subject", "events-value", "delta.gate.schema.contract.version", "3",
        "delta.gates.registry.url", "http://localhost:8081/apis/ccompat/v7",
        "delta.gates.registry.basic.auth.user.info", "svc:s3cret"));
    assertEquals(GateAction.REGISTRY_VALIDATION, c.gates().get(0).action());
    assertEquals("events-value", c.gates().get(0).subject());
    assertEquals("3", c.gates().get(0).contractVersion());
    assertEquals("svc:s3cret", c.gatesRegistry().orElseThrow().basicAuthUserInfo().orElseThrow());
    assertTrue(!c.gatesRegistry().orElseThrow().toString().contains("s3cret"));
    DeltaSinkConfig defaults = new DeltaSinkConfig(props("delta.gates", "schema",
        "delta.gate.schema.metric", "schema_hash",
        "delta.gate.schema.action", "registry_validation",
        "delta.gates.registry.url", "http://sr:8081"));
    assertEquals(null, defaults.gates().get(0).subject(), "each topic's <topic>-value");
    assertEquals("latest", defaults.gates().get(0).contractVersion());

    assertTrue(error("delta.gates", "g", "delta.gate.g.metric", "schema_hash",
        "delta.gate.g.action", "registry_validation").contains("delta.gates.registry.url"));
    assertTrue(error("delta.gates", "g", "delta.gate.g.metric", "null_rate_x",
        "delta.gate.g.threshold", "0.1", "delta.gate.g.action", "registry_validation",
        "delta.gates.registry.url", "http://sr:8081").contains("needs metric schema_hash"));
    assertTrue(error("delta.gates", "g", "delta.gate.g.metric", "schema_hash",
        "delta.gate.g.subject", "s").contains("only a gate with action=registry_validation"));
    assertTrue(error("delta.gates", "g", "delta.gate.g.metric", "schema_hash",
        "delta.gate.g.action", "registry_validation", "delta.gates.registry.url", "http://sr:8081",
        "delta.gate.g.contract.version", "v2").contains("delta.gate.g.contract.version"));
    String credentials = error("delta.gates.registry.url", "http://svc:pw@sr:8081");
    assertTrue(credentials.contains("delta.gates.registry.url"), credentials);
    assertTrue(!credentials.contains("pw"), credentials);
  }
}
