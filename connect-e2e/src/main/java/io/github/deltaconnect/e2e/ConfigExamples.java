package io.github.deltaconnect.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Reads connector JSON files from config-examples/ ({"name": ..., "config": {...}}). */
public final class ConfigExamples {
  private ConfigExamples() {}

  public static Path file(String name) {
    return ConnectHarness.projectRoot().resolve("config-examples").resolve(name);
  }

  public static Map<String, String> load(String name) {
    try {
      JsonNode root = new ObjectMapper().readTree(file(name).toFile());
      Map<String, String> out = new HashMap<>();
      root.get("config").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file(name), e);
    }
  }
}
