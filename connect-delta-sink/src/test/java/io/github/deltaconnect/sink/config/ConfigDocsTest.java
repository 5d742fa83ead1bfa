package io.github.deltaconnect.sink.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's property table is generated from the ConfigDef, so docs cannot drift: this test
 * fails when they differ. Regenerate with {@code ./mvnw -pl connect-delta-sink test -Ddocs.update}.
 */
class ConfigDocsTest {
  static final String BEGIN = "<!-- config:begin (generated from DeltaSinkConfig; do not edit) -->\n";
  static final String END = "<!-- config:end -->";

  @Test
  void theReadmePropertyTableMatchesTheConfigDef() throws Exception {
    Path readme = Path.of("README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    int a = text.indexOf(BEGIN);
    int b = text.indexOf(END);
    String generated = ConfigDocs.markdown(DeltaSinkConfig.CONFIG_DEF);
    if (System.getProperty("docs.update") != null) {
      text = text.substring(0, a + BEGIN.length()) + generated + text.substring(b);
      Files.writeString(readme, text, StandardCharsets.UTF_8);
      return;
    }
    assertEquals(generated, text.substring(a + BEGIN.length(), b),
        "README.md property table is stale: run ./mvnw -pl connect-delta-sink test -Ddocs.update");
  }
}
