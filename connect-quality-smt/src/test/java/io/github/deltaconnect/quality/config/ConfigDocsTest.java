package io.github.deltaconnect.quality.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.deltaconnect.common.ConfigDocs;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The README's property tables are generated from the ConfigDefs: this fails when they differ. */
class ConfigDocsTest {
  static final String REGENERATE =
      "./mvnw -pl connect-quality-smt test -Ddocs.update -Dtest=ConfigDocsTest";

  @Test
  void theReadmeTablesMatchTheTransformAndRuleConfigDefs() {
    boolean update = System.getProperty("docs.update") != null;
    assertEquals(Optional.empty(), ConfigDocs.checkReadme(Path.of("README.md"),
        QualityRulesConfig.CONFIG_DEF, update, REGENERATE, "transform"));
    assertEquals(Optional.empty(), ConfigDocs.checkReadme(Path.of("README.md"),
        QualityRulesConfig.RULE_DEF, update, REGENERATE, "rule"));
  }
}
