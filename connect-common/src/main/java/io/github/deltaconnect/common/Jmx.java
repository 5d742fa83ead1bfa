package io.github.deltaconnect.common;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Unregistering the plugins' MBeans: metrics must never be the reason a task fails to stop. */
public final class Jmx {
  private static final Logger LOG = LoggerFactory.getLogger(Jmx.class);

  /** The MDC key Connect's LoggingContext sets while it builds and runs a task. */
  static final String CONNECT_CONTEXT = "connector.context";

  private Jmx() {}

  /**
   * The key properties {@code ,connector="<name>",task=<n>} of the task Connect is building on
   * this thread, or empty outside a task. Connect tells converters and transforms neither, but it
   * creates them inside the task's logging context, whose MDC value reads
   * {@code [<connector>|task-<n>] }.
   */
  public static String taskProperties() {
    return taskProperties(org.slf4j.MDC.get(CONNECT_CONTEXT));
  }

  static String taskProperties(String context) {
    if (context == null) {
      return "";
    }
    String c = context.trim();
    int bar = c.lastIndexOf("|task-");
    if (!c.startsWith("[") || !c.endsWith("]") || bar < 1) {
      return "";
    }
    String task = c.substring(bar + "|task-".length(), c.length() - 1);
    if (!task.matches("\\d{1,9}")) {
      return "";
    }
    return ",connector=" + ObjectName.quote(c.substring(1, bar)) + ",task=" + task;
  }

  /**
   * Registers {@code mbean} as {@code <prefix>,instance=<n><suffix>} with the first free n, so that
   * instances with the same name otherwise (two transforms of one class in a chain, or converters
   * outside a task) are told apart. Null when registration fails: logged, never thrown.
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

  /**
   * Registers {@code mbean} as {@code name}, replacing a bean left under that name (a task of the
   * same connector and number that did not stop cleanly). False when it fails: logged, never
   * thrown.
   */
  public static boolean register(Object mbean, ObjectName name) {
    var server = ManagementFactory.getPlatformMBeanServer();
    try {
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
      server.registerMBean(mbean, name);
      return true;
    } catch (Exception e) {
      LOG.warn("Could not register JMX metrics {}: {}", name, e.toString());
      return false;
    }
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
