package io.github.deltaconnect.sink.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.sink.DeltaSinkConnector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class DeltaSinkConfigTest {

  static Map<String, List<String>> errors(Map<String, String> props) {
    return new DeltaSinkConnector().validate(props).configValues().stream()
        .filter(v -> !v.errorMessages().isEmpty())
        .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
  }

  static Map<String, String> valid() {
    Map<String, String> p = new HashMap<>();
    p.put("connector.class", DeltaSinkConnector.class.getName());
    p.put("topics", "events");
    p.put(DeltaSinkConfig.TABLE_LOCATION, "/tmp/table");
    p.put(DeltaSinkConfig.PARTITION_FIELDS, "partition_date,region");
    p.put(DeltaSinkConfig.PARTITION_DERIVED, "partition_date=date(event_ts)");
    return p;
  }

  @Test
  void aValidConfigHasNoErrors() {
    assertEquals(Map.of(), errors(valid()));
  }

  @Test
  void validateNamesThePropertyAndWhatIsWrong() {
    Map<String, String> p = valid();
    p.remove(DeltaSinkConfig.TABLE_LOCATION);
    p.put(DeltaSinkConfig.FLUSH_SIZE, "0");
    p.put(DeltaSinkConfig.PARTITION_TIMEZONE, "Mars/Olympus");
    p.put(DeltaSinkConfig.TOMBSTONE_BEHAVIOR, "explode");
    Map<String, List<String>> errors = errors(p);
    assertTrue(errors.containsKey(DeltaSinkConfig.TABLE_LOCATION), errors.toString());
    assertTrue(errors.get(DeltaSinkConfig.FLUSH_SIZE).get(0).contains("at least 1"), errors.toString());
    assertTrue(errors.get(DeltaSinkConfig.PARTITION_TIMEZONE).get(0).contains("time zone"));
    assertTrue(errors.get(DeltaSinkConfig.TOMBSTONE_BEHAVIOR).get(0).contains("ignore"));
  }

  @Test
  void crossPropertyErrorsAreReportedOnTheRightProperty() {
    Map<String, String> p = valid();
    p.put(DeltaSinkConfig.PARTITION_DERIVED, "partition_date=week(event_ts)");
    assertTrue(errors(p).get(DeltaSinkConfig.PARTITION_DERIVED).get(0).contains("unknown function"));
    p = valid();
    p.put(DeltaSinkConfig.FLUSH_BYTES, "200000000");
    p.put(DeltaSinkConfig.BUFFER_MEMORY_BYTES, "100000000");
    assertTrue(errors(p).get(DeltaSinkConfig.FLUSH_BYTES).get(0).contains(DeltaSinkConfig.BUFFER_MEMORY_BYTES));
  }

  @Test
  void upsertModeRefusesSettingsItCannotHonour() {
    Map<String, String> p = valid();
    p.put(DeltaSinkConfig.WRITE_MODE, "upsert");
    assertEquals(Map.of(), errors(p), "the record key names the key by default");
    p.put(DeltaSinkConfig.WRITE_MODE, "merge");
    assertTrue(errors(p).get(DeltaSinkConfig.WRITE_MODE).get(0).contains("upsert"));
    p.put(DeltaSinkConfig.WRITE_MODE, "upsert");
    p.put(DeltaSinkConfig.IDEMPOTENCY_KEY, "event_id");
    assertTrue(errors(p).get(DeltaSinkConfig.IDEMPOTENCY_KEY).get(0)
        .contains(DeltaSinkConfig.UPSERT_KEY), errors(p).toString());
    p.remove(DeltaSinkConfig.IDEMPOTENCY_KEY);
    p.put(DeltaSinkConfig.UPSERT_ORDER_FIELD, "source.lsn");
    p.put(DeltaSinkConfig.UPSERT_ORDER_COLUMN, " ");
    assertTrue(errors(p).get(DeltaSinkConfig.UPSERT_ORDER_COLUMN).get(0)
        .contains(DeltaSinkConfig.UPSERT_ORDER_FIELD), errors(p).toString());
    p.remove(DeltaSinkConfig.UPSERT_ORDER_COLUMN);
    p.put(DeltaSinkConfig.UPSERT_KEY, "id,,x");
    assertTrue(errors(p).get(DeltaSinkConfig.UPSERT_KEY).get(0).contains("field name"),
        errors(p).toString());
    p.remove(DeltaSinkConfig.UPSERT_KEY);
    p.put(DeltaSinkConfig.GATES, "q");
    p.put("delta.gate.q.metric", "null_rate_user_id");
    p.put("delta.gate.q.threshold", "0.1");
    p.put("delta.gate.q.action", "quarantine");
    assertTrue(errors(p).get(DeltaSinkConfig.GATES).get(0).contains("quarantine"),
        errors(p).toString());
  }

  @Test
  void tableLocationsMustBeLocalOrS3() {
    for (String ok : List.of("/data/t", "relative/t", "file:/data/t", "file:///data/t",
        "s3a://bucket/t", "s3://bucket/t")) {
      Map<String, String> p = valid();
      p.put(DeltaSinkConfig.TABLE_LOCATION, ok);
      assertEquals(Map.of(), errors(p), ok);
    }
    Map<String, String> p = valid();
    p.put(DeltaSinkConfig.TABLE_LOCATION, "gs://bucket/t");
    assertTrue(errors(p).get(DeltaSinkConfig.TABLE_LOCATION).get(0).contains("'gs'"));
    p.put(DeltaSinkConfig.TABLE_LOCATION, "s3a:bucket");
    assertTrue(errors(p).get(DeltaSinkConfig.TABLE_LOCATION).get(0).contains("s3a://bucket/path"));
  }

  @Test
  void anS3LocationWithCredentialsIsRefusedWithoutEchoingThem() {
    for (String location : List.of("s3a://AKIAEXAMPLE:s3cr3t@bucket/t", "s3://AKIAEXAMPLE:s3cr3t@bucket",
        "gs://AKIAEXAMPLE:s3cr3t@bucket/t")) {
      Map<String, String> p = valid();
      p.put(DeltaSinkConfig.TABLE_LOCATION, location);
      List<String> errors = errors(p).getOrDefault(DeltaSinkConfig.TABLE_LOCATION, List.of());
      assertEquals(1, errors.size(), location + " must be refused");
      assertTrue(errors.get(0).contains("://***@bucket") && errors.get(0).contains("credentials"),
          errors.get(0));
      assertTrue(!errors.get(0).contains("s3cr3t") && !errors.get(0).contains("AKIA"), errors.get(0));
      // Refused while parsing, so the config's values (location included) are never logged.
      ConfigException e = assertThrows(ConfigException.class, () -> new DeltaSinkConfig(p));
      assertTrue(!e.getMessage().contains("s3cr3t"), e.getMessage());
    }
    Map<String, String> p = valid();
    p.put(DeltaSinkConfig.TABLE_LOCATION, "/data/user@corp/table"); // a local directory name
    assertEquals(Map.of(), errors(p));
  }

  @Test
  void hadoopPropertiesArePassedThroughWithoutThePrefix() {
    Map<String, String> p = valid();
    p.put("hadoop.fs.s3a.endpoint", "http://127.0.0.1:9000");
    p.put("hadoop.fs.s3a.secret.key", "s3cr3t");
    assertEquals(Map.of("fs.s3a.endpoint", "http://127.0.0.1:9000", "fs.s3a.secret.key", "s3cr3t"),
        new DeltaSinkConfig(p).hadoopProperties());
  }

  @Test
  void s3SecretsAreMaskedInValidationResultsAndConfigLogs() {
    Map<String, String> p = valid();
    p.put("hadoop.fs.s3a.secret.key", "s3cr3t");
    p.put("hadoop.fs.s3a.access.key", "AKIAEXAMPLE");
    for (ConfigValue v : new DeltaSinkConnector().validate(p).configValues()) {
      if (v.name().startsWith("hadoop.fs.s3a.") && v.value() != null) {
        assertTrue(v.value() instanceof org.apache.kafka.common.config.types.Password, v.name());
        assertTrue(!v.value().toString().contains("s3cr3t") && !v.value().toString().contains("AKIA"));
      }
    }
    String logged = new DeltaSinkConfig(p).toString() + new DeltaSinkConfig(p).values();
    assertTrue(!logged.contains("s3cr3t") && !logged.contains("AKIAEXAMPLE"), logged);
  }
}
