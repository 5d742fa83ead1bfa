package io.github.deltaconnect.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.deltaconnect.registry.StubServer.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS against an HTTPS stub, with stores made by the JDK's keytool (JKS and PKCS12). */
class TlsContextsTest {
  private static final String PASSWORD = "changeit";
  private static final String BY_ID = "{\"schema\":\"\\\"string\\\"\"}";

  @TempDir static Path dir;

  @BeforeAll
  static void makeStores() throws Exception {
    for (String who : List.of("server", "client")) {
      keytool("-genkeypair", "-alias", who, "-keyalg", "RSA", "-keysize", "2048",
          "-dname", "CN=" + who, "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
          "-storetype", "PKCS12", "-keystore", who + ".p12", "-storepass", PASSWORD,
          "-keypass", PASSWORD);
      keytool("-exportcert", "-alias", who, "-keystore", who + ".p12", "-storepass", PASSWORD,
          "-file", who + ".crt");
    }
    // The client trusts the server in a JKS store, the server trusts the client in a PKCS12 one.
    keytool("-importcert", "-noprompt", "-alias", "server", "-file", "server.crt",
        "-storetype", "JKS", "-keystore", "client-trust.jks", "-storepass", PASSWORD);
    keytool("-importcert", "-noprompt", "-alias", "client", "-file", "client.crt",
        "-storetype", "PKCS12", "-keystore", "server-trust.p12", "-storepass", PASSWORD);
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
    }
  }

  private static StubServer mutualTlsServer() throws Exception {
    SSLContext server =
        TlsContexts.create(dir.resolve("server-trust.p12"), PASSWORD, "PKCS12",
            dir.resolve("server.p12"), PASSWORD, "PKCS12");
    return new StubServer(r -> Reply.json(BY_ID), server, true);
  }

  @Test
  void aClientWithTheTrustStoreAndItsKeyStoreSpeaksMutualTls() throws Exception {
    SSLContext client =
        TlsContexts.create(dir.resolve("client-trust.jks"), PASSWORD, "jks",
            dir.resolve("client.p12"), PASSWORD, null);
    try (StubServer server = mutualTlsServer();
        HttpSchemaRegistry registry =
            new HttpSchemaRegistry(RegistrySettings.defaults(List.of(server.url())).withSslContext(client))) {
      assertEquals("\"string\"", registry.byId(1).schema());
    }
  }

  @Test
  void withoutTheClientKeyTheHandshakeFailsAsUnavailable() throws Exception {
    SSLContext client = TlsContexts.trusting(dir.resolve("client-trust.jks"), PASSWORD, "JKS");
    try (StubServer server = mutualTlsServer();
        HttpSchemaRegistry registry =
            new HttpSchemaRegistry(RegistrySettings.defaults(List.of(server.url()))
                .withRetries(0, Duration.ofMillis(1), Duration.ofMillis(1))
                .withSslContext(client))) {
      assertThrows(RegistryUnavailableException.class, () -> registry.byId(1));
    }
  }

  @Test
  void aWrongStorePasswordIsReportedWithoutEchoingIt() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class,
            () -> TlsContexts.trusting(dir.resolve("client-trust.jks"), "wrong-pw-123", "JKS"));

    assertFalse(e.getMessage().contains("wrong-pw-123"), e.getMessage());
  }
}
