package io.github.deltaconnect.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class JmxTest {

  @Test
  void connectsTaskLoggingContextNamesTheConnectorAndTask() {
    assertEquals(",connector=\"orders-sink\",task=3", Jmx.taskProperties("[orders-sink|task-3] "));
    // Names may hold the separator, quotes and commas: the last "|task-" wins, the value is quoted.
    assertEquals(",connector=" + ObjectName.quote("a|task-x,\"b\"") + ",task=12",
        Jmx.taskProperties("[a|task-x,\"b\"|task-12] "));
  }

  @Test
  void outsideATaskThereAreNoTaskProperties() {
    assertEquals("", Jmx.taskProperties(null));
    assertEquals("", Jmx.taskProperties("[orders-sink|worker] ")); // the connector's own context
    assertEquals("", Jmx.taskProperties("[orders-sink|task-] "));
    assertEquals("", Jmx.taskProperties("garbage"));
  }

  @Test
  void beansRegisteredInATaskContextCarryItAndNumberDuplicates() throws Exception {
    MDC.put(Jmx.CONNECT_CONTEXT, "[jmx-test|task-0] ");
    ObjectName first = null;
    ObjectName second = null;
    try {
      String prefix = "io.github.deltaconnect.test:type=probe" + Jmx.taskProperties() + ",role=value";
      first = Jmx.registerNumbered(new Probe(), prefix, "");
      second = Jmx.registerNumbered(new Probe(), prefix, "");
      assertEquals("jmx-test", ObjectName.unquote(first.getKeyProperty("connector")));
      assertEquals("0", first.getKeyProperty("task"));
      assertNotEquals(first, second);
      assertEquals("1", second.getKeyProperty("instance"));
      assertEquals(7, ManagementFactory.getPlatformMBeanServer().getAttribute(first, "Value"));
    } finally {
      MDC.remove(Jmx.CONNECT_CONTEXT);
      Jmx.unregisterQuietly(first);
      Jmx.unregisterQuietly(second);
    }
  }

  public interface ProbeMBean {
    int getValue();
  }

  public static final class Probe implements ProbeMBean {
    @Override
    public int getValue() {
      return 7;
    }
  }
}
