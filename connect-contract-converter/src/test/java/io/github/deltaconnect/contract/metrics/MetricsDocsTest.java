package io.github.deltaconnect.contract.metrics;

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

/** The sink README's converter metrics table lists exactly the converter bean's attributes. */
class MetricsDocsTest {
  @Test
  void everyConverterAttributeIsDocumentedWithItsType() throws Exception {
    String readme = Files.readString(Path.of("../connect-delta-sink/README.md"));
    int start = readme.indexOf("Contract converter, `io.github.deltaconnect:type=contract-converter");
    String table = readme.substring(start, readme.indexOf("\n\n", readme.indexOf("| Attribute", start)));
    Set<String> documented = new TreeSet<>();
    Matcher row = Pattern.compile("(?m)^\\| `(\\w+)` \\| (counter|gauge) \\| .+ \\|$").matcher(table);
    while (row.find()) {
      documented.add(row.group(1));
    }
    Set<String> exposed = Arrays.stream(ConverterMetricsMBean.class.getMethods())
        .map(m -> m.getName()).filter(n -> n.startsWith("get")).map(n -> n.substring(3))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(exposed, documented);
  }
}
