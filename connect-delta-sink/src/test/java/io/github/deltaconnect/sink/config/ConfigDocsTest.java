package io.github.deltaconnect.sink.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.deltaconnect.common.ConfigDocs;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The README's property table is generated from the ConfigDef: this fails when they differ. */
class ConfigDocsTest {

  @Test
  void theReadmePropertyTableMatchesTheConfigDef() {
    assertEquals(Optional.empty(), ConfigDocs.checkReadme(Path.of("README.md"),
        DeltaSinkConfig.CONFIG_DEF, System.getProperty("docs.update") != null,
        "./mvnw -pl connect-delta-sink test -Ddocs.update -Dtest=ConfigDocsTest"));
  }
}
