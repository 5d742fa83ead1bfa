package io.github.deltaconnect.sink.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's sink metric tables list exactly the attributes the sink's beans have. */
class SinkMetricsDocsTest {
  static Set<String> attributes(Class<?> mbean) {
    return Arrays.stream(mbean.getMethods()).map(Method::getName)
        .filter(n -> n.startsWith("get")).map(n -> n.substring(3))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void everyAttributeIsDocumentedWithItsTypeAndNothingElseIs() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    // The sink's tables come first; the converter's and the transform's follow this sentence.
    String section = readme.substring(readme.indexOf("## Metrics"),
        readme.indexOf("The contract converter and the quality transform name their beans"));
    Set<String> documented = new TreeSet<>();
    Matcher row = Pattern.compile("(?m)^\\| `(\\w+)` \\| (counter|gauge) \\| .+ \\|$")
        .matcher(section);
    while (row.find()) {
      documented.add(row.group(1));
    }
    Set<String> exposed = new TreeSet<>(attributes(SinkMetricsMBean.class));
    exposed.addAll(attributes(PartitionMetricsMBean.class));
    assertEquals(exposed, documented);
  }
}
