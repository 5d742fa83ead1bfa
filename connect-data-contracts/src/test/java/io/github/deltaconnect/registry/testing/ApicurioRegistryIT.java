package io.github.deltaconnect.registry.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping and starting the test registry: an outage after which URL, schemas and ids are back. */
class ApicurioRegistryIT {
  static final String ORDER = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"it\","
      + "\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";
  static final String REFUND = "{\"type\":\"record\",\"name\":\"Refund\",\"namespace\":\"it\","
      + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";

  @Test
  void aPersistentRegistryAnswersWithTheSameSchemasAndIdsAfterARestart(@TempDir Path data) {
    try (ApicurioRegistry registry = new ApicurioRegistry().persistent(data).start()) {
      int order = registry.register("orders-value", ORDER);
      int refund = registry.register("refunds-value", REFUND);
      URI url = URI.create(registry.ccompatUrl());

      registry.stop();
      assertFalse(registry.isRunning());
      assertThrows(IOException.class, () -> connect(url), "nothing listens during the outage");
      registry.start();

      assertEquals(url.toString(), registry.ccompatUrl(), "same port after the restart");
      assertTrue(registry.schemaById(order).contains("\"Order\""), registry.schemaById(order));
      assertTrue(registry.schemaById(refund).contains("\"Refund\""), registry.schemaById(refund));
      assertEquals(refund, registry.register("refunds-value", REFUND), "found, not registered anew");
      int next = registry.register("more-value", REFUND.replace("Refund", "More"));
      assertNotEquals(order, next, "ids are not handed out twice");
      assertNotEquals(refund, next, "ids are not handed out twice");
    }
  }

  private static void connect(URI url) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), 2_000);
    }
  }
}
