package io.github.deltaconnect.contract.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.deltaconnect.contract.errors.Reason;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class ConverterMetricsTest {

  @Test
  void twoConvertersPublishSeparateMBeansWithTheirOwnCounts() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ConverterMetrics a = new ConverterMetrics(Optional.empty());
    ConverterMetrics b = new ConverterMetrics(Optional.empty());
    a.register(false);
    b.register(false);
    try {
      a.accepted();
      a.accepted();
      a.rejected(Reason.INCOMPATIBLE);
      b.rejected(Reason.NOT_WIRE_FORMAT);
      b.newSchemaId();
      ObjectName first = a.name();
      ObjectName second = b.name();
      assertFalse(first.equals(second), first + " vs " + second);
      assertEquals(2L, server.getAttribute(first, "AcceptedRecords"));
      assertEquals(1L, server.getAttribute(first, "RejectedIncompatible"));
      assertEquals(1L, server.getAttribute(second, "RejectedNotWireFormat"));
      assertEquals(1L, server.getAttribute(second, "RejectedRecords"));
      assertEquals(1L, server.getAttribute(second, "SchemaIdsSeen"));
      assertEquals(1.0, server.getAttribute(second, "RegistryCacheHitRate"));
    } finally {
      ObjectName first = a.name();
      a.unregister();
      b.unregister();
      assertFalse(server.isRegistered(first));
    }
  }
}
