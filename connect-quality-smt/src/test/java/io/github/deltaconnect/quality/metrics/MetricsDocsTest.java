package io.github.deltaconnect.quality.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The sink README's quality tables list exactly the attributes of the transform's beans. */
class MetricsDocsTest {
  static Set<String> documented(String readme, String heading) {
    int start = readme.indexOf(heading);
    String table = readme.substring(start,
        readme.indexOf("\n\n", readme.indexOf("| Attribute", start)));
    Set<String> out = new TreeSet<>();
    Matcher row = Pattern.compile("(?m)^\\| `(\\w+)` \\| (counter|gauge) \\| .+ \\|$").matcher(table);
    while (row.find()) {
      out.add(row.group(1));
    }
    return out;
  }

  static Set<String> attributes(Class<?> mbean) {
    return Arrays.stream(mbean.getMethods()).map(m -> m.getName())
        .filter(n -> n.startsWith("get")).map(n -> n.substring(3))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void everyTransformAndRuleAttributeIsDocumentedWithItsType() throws Exception {
    String readme = Files.readString(Path.of("../connect-delta-sink/README.md"));
    assertEquals(attributes(QualityMetricsMBean.class),
        documented(readme, "Quality transform, `io.github.deltaconnect:type=quality-rules"));
    assertEquals(attributes(RuleCountersMBean.class),
        documented(readme, "and per rule, the same name with `,rule=<name>`"));
  }
}
