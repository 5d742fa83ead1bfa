package io.github.deltaconnect.contract.testing;

import io.github.deltaconnect.registry.RegisteredSchema;
import io.github.deltaconnect.registry.RegistryUnavailableException;
import io.github.deltaconnect.registry.SchemaNotFoundException;
import io.github.deltaconnect.registry.SchemaRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A registry in memory, for unit tests of the converter's decisions. The HTTP client is tested
 * against a real registry (Apicurio) in the integration tests.
 */
public final class InMemoryRegistry implements SchemaRegistry {
  private final Map<Integer, String> byId = new HashMap<>();
  private final Map<String, List<Integer>> subjects = new HashMap<>();
  private final Map<String, String> compatibility = new HashMap<>();
  private final Map<Integer, String> ruleSets = new HashMap<>();
  private int nextId = 1;
  private boolean down;
  public int calls;

  public synchronized int register(String subject, String schema) {
    Schema parsed = new Schema.Parser().parse(schema);
    int id = byId.entrySet().stream()
        .filter(e -> new Schema.Parser().parse(e.getValue()).equals(parsed))
        .map(Map.Entry::getKey).findFirst().orElse(-1);
    if (id < 0) {
      id = nextId++;
      byId.put(id, schema);
    }
    subjects.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
    return id;
  }

  /** Registers with a data-contract rule set (raw JSON), as Confluent's registry stores it. */
  public synchronized int register(String subject, String schema, String ruleSet) {
    int id = register(subject, schema);
    ruleSets.put(id, ruleSet);
    return id;
  }

  public synchronized void setCompatibility(String subject, String level) {
    compatibility.put(subject, level);
  }

  public synchronized void setDown(boolean down) {
    this.down = down;
  }

  private void call() {
    calls++;
    if (down) {
      throw new RegistryUnavailableException("registry down (test)", 503, null);
    }
  }

  @Override
  public synchronized RegisteredSchema byId(int id) {
    call();
    String s = byId.get(id);
    if (s == null) {
      throw new SchemaNotFoundException("Schema " + id + " not found", 404, 40403);
    }
    return schema(id, null, 0, s);
  }

  @Override
  public synchronized RegisteredSchema version(String subject, String version) {
    call();
    List<Integer> ids = subjects.get(subject);
    if (ids == null) {
      throw new SchemaNotFoundException("Subject '" + subject + "' not found", 404, 40401);
    }
    int v = version.equals("latest") ? ids.size() : Integer.parseInt(version);
    if (v < 1 || v > ids.size()) {
      throw new SchemaNotFoundException("Version " + version + " not found", 404, 40402);
    }
    int id = ids.get(v - 1);
    RegisteredSchema plain = schema(id, subject, v, byId.get(id));
    return new RegisteredSchema(id, subject, v, "AVRO", plain.schema(), List.of(),
        Optional.ofNullable(ruleSets.get(id)), Optional.empty());
  }

  @Override
  public synchronized Optional<RegisteredSchema> lookup(String subject, String schema) {
    call();
    List<Integer> ids = subjects.getOrDefault(subject, List.of());
    Schema wanted = new Schema.Parser().parse(schema);
    for (int i = 0; i < ids.size(); i++) {
      if (new Schema.Parser().parse(byId.get(ids.get(i))).equals(wanted)) {
        return Optional.of(schema(ids.get(i), subject, i + 1, byId.get(ids.get(i))));
      }
    }
    return Optional.empty();
  }

  @Override
  public synchronized List<Integer> versions(String subject) {
    call();
    List<Integer> ids = subjects.getOrDefault(subject, List.of());
    List<Integer> out = new ArrayList<>();
    for (int i = 1; i <= ids.size(); i++) {
      out.add(i);
    }
    return out;
  }

  @Override
  public synchronized String compatibility(String subject) {
    call();
    return compatibility.getOrDefault(subject, "BACKWARD");
  }

  @Override
  public void close() {}

  private static RegisteredSchema schema(int id, String subject, int version, String schema) {
    return RegisteredSchema.avro(id, subject, version, schema);
  }
}
