package io.github.deltaconnect.registry.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApicurioRegistryTest {
  @Test
  void javaVersionsParseOldAndNewSchemes() {
    assertEquals(25, ApicurioRegistry.parseMajor("25.0.3"));
    assertEquals(21, ApicurioRegistry.parseMajor("21"));
    assertEquals(8, ApicurioRegistry.parseMajor("1.8.0_392"));
    assertEquals(-1, ApicurioRegistry.parseMajor("x"));
  }

  @Test
  void theRunningJvmsVersionIsReadFromItsReleaseFileOrItself() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    assertEquals(Runtime.version().feature(), ApicurioRegistry.majorVersion(java));
  }

  @Test
  void quarkusRunJarIsFoundInASubdirectory(@TempDir Path home) throws Exception {
    Path jar = Files.createDirectories(home.resolve("apicurio-registry-3.3.3/app")).resolve("quarkus-run.jar");
    Files.createFile(jar);

    assertEquals(jar, ApicurioRegistry.findRunJar(home));
  }

  @Test
  void jsonStringsReadBackAsWritten() {
    String text = "{\"a\":\"b\\\\c\"}\n\t\u0001é";
    assertEquals(text, ApicurioRegistry.jsonUnquote(ApicurioRegistry.jsonString(text)));
    assertEquals("a/b", ApicurioRegistry.jsonUnquote("\"a\\/b\""));
  }

  @Test
  void onlyAPersistentRegistryIsToldToKeepItsDataInAFile(@TempDir Path dir) {
    Path java = Path.of("java");
    Path jar = Path.of("quarkus-run.jar");
    List<String> inMemory = ApicurioRegistry.command(java, jar, 1, 2, null);
    List<String> persistent = ApicurioRegistry.command(java, jar, 1, 2, dir);

    assertTrue(inMemory.stream().noneMatch(a -> a.contains("datasource")), inMemory.toString());
    assertTrue(persistent.contains("-Dapicurio.datasource.url=jdbc:h2:file:" + dir.resolve("registry")),
        persistent.toString());
    assertEquals(List.of("-jar", "quarkus-run.jar"), persistent.subList(persistent.size() - 2,
        persistent.size()));
  }

  @Test
  void jsonStringsAreEscaped() {
    assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", ApicurioRegistry.jsonString("a\"b\\c\n\u0001"));
    assertTrue(ApicurioRegistry.jsonString("{}").startsWith("\""));
  }
}
