package io.github.deltaconnect.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegistrySettingsTest {
  private static final List<URI> URLS = List.of(URI.create("http://sr1:8081"), URI.create("https://sr2:8081/"));

  @Test
  void defaultsAreTenSecondsConnectThirtyRequestFiveRetriesFrom200msTo5s() {
    RegistrySettings s = RegistrySettings.defaults(URLS);

    assertEquals(Duration.ofSeconds(10), s.connectTimeout());
    assertEquals(Duration.ofSeconds(30), s.requestTimeout());
    assertEquals(5, s.maxRetries());
    assertEquals(Duration.ofMillis(200), s.initialBackoff());
    assertEquals(Duration.ofSeconds(5), s.maxBackoff());
    assertEquals(Optional.empty(), s.basicAuthUserInfo());
    assertEquals(Optional.empty(), s.sslContext());
  }

  @Test
  void trailingSlashesAreDroppedFromUrls() {
    assertEquals(URI.create("https://sr2:8081"), RegistrySettings.defaults(URLS).urls().get(1));
  }

  @Test
  void toStringMasksThePassword() {
    String text = RegistrySettings.defaults(URLS).withBasicAuth("bob:s3cret").toString();

    assertTrue(text.contains("bob:******"), text);
    assertFalse(text.contains("s3cret"), text);
  }

  @Test
  void toStringMasksUserInfoWithoutAColonEntirely() {
    String text = RegistrySettings.defaults(URLS).withBasicAuth("tokenonly").toString();

    assertFalse(text.contains("tokenonly"), text);
  }

  @Test
  void urlsWithCredentialsAreRejectedWithoutEchoingThem() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class,
            () -> RegistrySettings.defaults(List.of(URI.create("http://bob:s3cret@sr:8081"))));

    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
  }

  @Test
  void invalidSettingsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> RegistrySettings.defaults(List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> RegistrySettings.defaults(List.of(URI.create("ftp://sr"))));
    assertThrows(IllegalArgumentException.class,
        () -> RegistrySettings.defaults(URLS).withRetries(-1, Duration.ofMillis(1), Duration.ofMillis(1)));
    assertThrows(IllegalArgumentException.class,
        () -> RegistrySettings.defaults(URLS).withTimeouts(Duration.ZERO, Duration.ofSeconds(1)));
  }
}
