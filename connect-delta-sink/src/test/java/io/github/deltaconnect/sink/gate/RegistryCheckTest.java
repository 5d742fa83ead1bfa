package io.github.deltaconnect.sink.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deltaconnect.avro.AvroData;
import io.github.deltaconnect.registry.RegisteredSchema;
import io.github.deltaconnect.registry.RegistryUnavailableException;
import io.github.deltaconnect.registry.SchemaNotFoundException;
import io.github.deltaconnect.registry.SchemaRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

/** registry_validation's question to the registry: registered by shape, compatible by Avro. */
class RegistryCheckTest {
  static final String V1 = "{\"type\":\"record\",\"name\":\"Event\",\"namespace\":\"shop\","
      + "\"fields\":[{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"amount\",\"type\":\"double\"}]}";
  /** v1 plus an optional field: BACKWARD compatible. */
  static final String V2 = "{\"type\":\"record\",\"name\":\"Event\",\"namespace\":\"shop\","
      + "\"fields\":[{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"amount\",\"type\":\"double\"},"
      + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
  /** amount as a string: v1 cannot read it. */
  static final String V3 = "{\"type\":\"record\",\"name\":\"Event\",\"namespace\":\"shop\","
      + "\"fields\":[{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"amount\",\"type\":\"string\"}]}";

  /** Subjects and versions in memory, counting the calls that reach it. */
  static final class Registry implements SchemaRegistry {
    final Map<String, List<String>> subjects = new HashMap<>();
    String level = "BACKWARD";
    boolean down;
    int calls;

    Registry register(String subject, String schema) {
      subjects.computeIfAbsent(subject, s -> new ArrayList<>()).add(schema);
      return this;
    }

    private void call() {
      calls++;
      if (down) {
        throw new RegistryUnavailableException("connection refused (test)", 0, null);
      }
    }

    @Override
    public RegisteredSchema byId(int id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RegisteredSchema version(String subject, String version) {
      call();
      List<String> all = subjects.getOrDefault(subject, List.of());
      int v = "latest".equals(version) ? all.size() : Integer.parseInt(version);
      if (v < 1 || v > all.size()) {
        throw new SchemaNotFoundException("no version " + version + " of " + subject, 404, 40402);
      }
      return RegisteredSchema.avro(100 + v, subject, v, all.get(v - 1));
    }

    @Override
    public Optional<RegisteredSchema> lookup(String subject, String schema) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<Integer> versions(String subject) {
      call();
      List<Integer> out = new ArrayList<>();
      for (int i = 1; i <= subjects.getOrDefault(subject, List.of()).size(); i++) {
        out.add(i);
      }
      return out;
    }

    @Override
    public String compatibility(String subject) {
      call();
      return level;
    }

    @Override
    public void close() {}
  }

  static RegistryCheck check(Registry registry) {
    return new RegistryCheck(registry);
  }

  static Gate gate(String subject, String contractVersion) {
    return new Gate("schema", GateMetric.parse("schema_hash"), null, null, null, 10,
        GateAction.REGISTRY_VALIDATION, subject, contractVersion);
  }

  static Schema connect(String avro) {
    return AvroData.connectSchema(new org.apache.avro.Schema.Parser().parse(avro));
  }

  @Test
  void aSchemaTheContractConverterMadeFromARegisteredVersionPassesAndIsAskedOnce() {
    Registry registry = new Registry().register("events-value", V1).register("events-value", V2);
    RegistryCheck check = check(registry);
    assertEquals(Optional.empty(), check.problem(gate(null, "latest"), "events", connect(V1)));
    assertEquals(Optional.empty(), check.problem(gate(null, "latest"), "events", connect(V2)));
    int calls = registry.calls;
    assertEquals(Optional.empty(), check.problem(gate(null, "latest"), "events", connect(V2)));
    assertEquals(calls, registry.calls, "a shape that passed is not asked again");
  }

  @Test
  void anUnnamedStructOfTheSameColumnsMatchesAsJsonConverterRecordsWould() {
    Schema json = SchemaBuilder.struct()
        .field("id", Schema.INT64_SCHEMA).field("amount", Schema.FLOAT64_SCHEMA).build();
    Registry registry = new Registry().register("events-value", V1);
    assertEquals(Optional.empty(), check(registry).problem(gate(null, "1"), "events", json));
    Schema optionalAmount = SchemaBuilder.struct()
        .field("id", Schema.INT64_SCHEMA).field("amount", Schema.OPTIONAL_FLOAT64_SCHEMA).build();
    String problem = check(registry).problem(gate(null, "1"), "events", optionalAmount)
        .orElseThrow();
    assertTrue(problem.contains("not registered under subject 'events-value'")
        && problem.contains("[1]"), "optionality is part of the shape: " + problem);
  }

  @Test
  void anUnregisteredSchemaNamesTheSubjectItsVersionsAndTheColumns() {
    Registry registry = new Registry().register("events-value", V1);
    RegistryCheck check = check(registry);
    String problem = check.problem(gate(null, "latest"), "events", connect(V2)).orElseThrow();
    assertTrue(problem.contains("struct{id:int64, amount:float64, note:string?}")
        && problem.contains("'events-value'")
        && problem.contains("none of its versions [1]"), problem);
    String noSubject = check.problem(gate("other-value", "latest"), "events", connect(V1))
        .orElseThrow();
    assertTrue(noSubject.contains("subject 'other-value' has no registered version"), noSubject);

    registry.register("events-value", V2); // the operator registers it; the next batch passes
    assertEquals(Optional.empty(), check.problem(gate(null, "latest"), "events", connect(V2)));
  }

  @Test
  void aRegisteredVersionTheContractCannotReadIsAProblemWithAvrosReason() {
    Registry registry = new Registry().register("events-value", V1).register("events-value", V3);
    registry.level = "NONE";
    String problem = check(registry).problem(gate(null, "1"), "events", connect(V3))
        .orElseThrow();
    assertTrue(problem.contains("version 2 of subject 'events-value'")
        && problem.contains("not compatible with the contract, version 1")
        && problem.contains("amount"), problem);
    assertEquals(Optional.empty(), check(registry).problem(gate(null, "2"), "events", connect(V3)),
        "against itself as the contract it passes");
    String missing = check(registry).problem(gate(null, "7"), "events", connect(V3)).orElseThrow();
    assertTrue(missing.contains("no version '7'"), missing);
  }

  @Test
  void aRegistryThatCannotAnswerOrARecordWithoutSchemaIsAProblemNotAPass() {
    Registry registry = new Registry().register("events-value", V1);
    registry.down = true;
    String down = check(registry).problem(gate(null, "latest"), "events", connect(V1))
        .orElseThrow();
    assertTrue(down.contains("Schema Registry failed") && down.contains("connection refused"),
        down);
    registry.down = false;
    String schemaless = check(registry).problem(gate(null, "latest"), "events", null)
        .orElseThrow();
    assertTrue(schemaless.contains("carry no schema"), schemaless);
  }
}
