package io.github.deltaconnect.common;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Unregistering the plugins' MBeans: metrics must never be the reason a task fails to stop. */
public final class Jmx {
  private static final Logger LOG = LoggerFactory.getLogger(Jmx.class);

  private Jmx() {}

  /** Removes {@code name} from the platform MBean server; null or already gone is fine. */
  public static void unregisterQuietly(ObjectName name) {
    if (name == null) {
      return;
    }
    try {
      ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
    } catch (Exception e) {
      LOG.debug("Could not unregister {}", name, e);
    }
  }
}
