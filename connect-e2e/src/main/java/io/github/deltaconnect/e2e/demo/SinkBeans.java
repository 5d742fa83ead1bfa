package io.github.deltaconnect.e2e.demo;

import java.lang.management.ManagementFactory;
import java.util.function.LongBinaryOperator;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The demo's reads of the bundle's beans (the embedded worker runs in this JVM), per connector. */
public final class SinkBeans {
  private SinkBeans() {}

  /** {@code attribute} summed over the connector's sink tasks. */
  public static long sum(String connector, String attribute) throws Exception {
    return fold("delta-sink-task-metrics", connector, attribute, 0, Long::sum);
  }

  /** The largest {@code attribute} of the connector's sink tasks, or -1 without one. */
  public static long max(String connector, String attribute) throws Exception {
    return fold("delta-sink-task-metrics", connector, attribute, -1, Math::max);
  }

  /** {@code attribute} of the connector's quality transforms, summed over their totals beans. */
  public static long quality(String connector, String attribute) throws Exception {
    return fold("quality-rules", connector, attribute, 0, Long::sum);
  }

  private static long fold(String type, String connector, String attribute, long start,
      LongBinaryOperator op) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    long out = start;
    for (ObjectName n : server.queryNames(new ObjectName("io.github.deltaconnect:type=" + type
        + ",connector=\"" + connector + "\",*"), null)) {
      if (n.getKeyProperty("rule") == null) { // a quality rule's own bean repeats the totals
        out = op.applyAsLong(out, ((Number) server.getAttribute(n, attribute)).longValue());
      }
    }
    return out;
  }
}
