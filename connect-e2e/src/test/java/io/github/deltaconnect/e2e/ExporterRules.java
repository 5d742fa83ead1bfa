package io.github.deltaconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * docs/monitoring/jmx-exporter.yml applied as the Prometheus JMX exporter applies it: the first
 * rule whose pattern matches {@code domain<k=v, k=v><>Attribute} names the metric and its labels.
 */
final class ExporterRules {
  record Rule(Pattern pattern, String name, Map<String, String> labels) {}

  /** One exported sample: metric name, labels and the bean's value. */
  record Sample(String name, Map<String, String> labels, Object value) {}

  private final List<Rule> rules;

  private ExporterRules(List<Rule> rules) {
    this.rules = rules;
  }

  /** The rules of the exporter file: pattern, name and labels, in order. */
  static ExporterRules load() throws Exception {
    List<Rule> out = new ArrayList<>();
    Pattern pattern = null;
    String name = null;
    Map<String, String> labels = new HashMap<>();
    for (String line : Files.readAllLines(ConnectHarness.projectRoot()
        .resolve("docs/monitoring/jmx-exporter.yml"))) {
      String t = line.trim();
      if (t.startsWith("- pattern:")) {
        if (pattern != null) {
          out.add(new Rule(pattern, name, labels));
        }
        pattern = Pattern.compile(unquote(t.substring("- pattern:".length()).trim()));
        name = null;
        labels = new HashMap<>();
      } else if (t.startsWith("name:")) {
        name = t.substring("name:".length()).trim();
      } else if (pattern != null && t.matches("\\w+: \".*\"")) {
        labels.put(t.substring(0, t.indexOf(':')), unquote(t.substring(t.indexOf(':') + 1).trim()));
      }
    }
    if (pattern != null) {
      out.add(new Rule(pattern, name, labels));
    }
    return new ExporterRules(out);
  }

  static String unquote(String s) {
    return (s.startsWith("'") || s.startsWith("\"")) ? s.substring(1, s.length() - 1) : s;
  }

  /** The bean as the JMX exporter writes it for matching: domain<k=v, k=v><>attribute. */
  static String exporterForm(ObjectName name, String attribute) {
    String props = name.getKeyPropertyListString().replace(",", ", ");
    return name.getDomain() + "<" + props + "><>" + attribute;
  }

  /** Every attribute of {@code bean} as exported; fails if one matches no rule. */
  List<Sample> export(ObjectName bean) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    List<Sample> out = new ArrayList<>();
    for (MBeanAttributeInfo a : server.getMBeanInfo(bean).getAttributes()) {
      String form = exporterForm(bean, a.getName());
      Rule rule = rules.stream().filter(r -> r.pattern().matcher(form).matches()).findFirst()
          .orElseThrow(() -> new AssertionError("no exporter rule matches " + form));
      Matcher m = rule.pattern().matcher(form);
      assertTrue(m.matches());
      Map<String, String> labels = new TreeMap<>();
      rule.labels().forEach((k, v) -> labels.put(k, m.replaceFirst(v)));
      out.add(new Sample(m.replaceFirst(rule.name()).toLowerCase(Locale.ROOT), labels,
          server.getAttribute(bean, a.getName())));
    }
    return out;
  }
}
