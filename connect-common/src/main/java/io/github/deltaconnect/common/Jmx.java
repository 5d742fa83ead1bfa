package io.github.deltaconnect.common;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Unregistering the plugins' MBeans: metrics must never be the reason a task fails to stop. */
public final class Jmx {
  private static final Logger LOG = LoggerFactory.getLogger(Jmx.class);

  private Jmx() {}

  /**
   * Registers {@code mbean} as {@code <prefix>,instance=<n><suffix>} with the first free n, so that
   * instances Connect gives no identity to (converters and transforms of each task) are told
   * apart. Null when registration fails: logged, never thrown.
   */
  public static ObjectName registerNumbered(Object mbean, String prefix, String suffix) {
    var server = ManagementFactory.getPlatformMBeanServer();
    for (int n = 0; n < 10_000; n++) {
      try {
        ObjectName candidate = new ObjectName(prefix + ",instance=" + n + suffix);
        server.registerMBean(mbean, candidate);
        return candidate;
      } catch (javax.management.InstanceAlreadyExistsException taken) {
        // another instance (another task) has this number: try the next
      } catch (Exception e) {
        LOG.warn("Could not register JMX metrics {}: {}", prefix, e.toString());
        return null;
      }
    }
    LOG.warn("Could not register JMX metrics {}: no free instance number", prefix);
    return null;
  }

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
