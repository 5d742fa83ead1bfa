package io.github.deltaconnect.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Builds {@link SSLContext}s from JKS or PKCS12 stores, as {@code ssl.truststore.*} configs name them. */
public final class TlsContexts {
  private TlsContexts() {}

  /** Trusts the certificates in {@code trustStore}; no client certificate. */
  public static SSLContext trusting(Path trustStore, String password, String type) {
    return create(trustStore, password, type, null, null, null);
  }

  /**
   * A context that trusts {@code trustStore} (JDK default trust when null) and, when {@code
   * keyStore} is given, presents its key for mutual TLS. Types are {@code JKS} or {@code PKCS12}
   * (PKCS12 when null or blank); the key password is the key store password.
   */
  public static SSLContext create(
      Path trustStore,
      String trustStorePassword,
      String trustStoreType,
      Path keyStore,
      String keyStorePassword,
      String keyStoreType) {
    try {
      TrustManagerFactory tmf = null;
      if (trustStore != null) {
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(trustStore, trustStorePassword, trustStoreType, "trust store"));
      }
      KeyManagerFactory kmf = null;
      if (keyStore != null) {
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(
            load(keyStore, keyStorePassword, keyStoreType, "key store"), chars(keyStorePassword));
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          kmf == null ? null : kmf.getKeyManagers(),
          tmf == null ? null : tmf.getTrustManagers(),
          null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("Cannot build a TLS context: " + e.getMessage(), e);
    }
  }

  private static KeyStore load(Path path, String password, String type, String what)
      throws GeneralSecurityException {
    String storeType = type == null || type.isBlank() ? "PKCS12" : type.trim().toUpperCase(Locale.ROOT);
    KeyStore store = KeyStore.getInstance(storeType);
    try (InputStream in = Files.newInputStream(path)) {
      store.load(in, chars(password));
    } catch (IOException e) {
      // A wrong password shows up as an IOException; say which file without echoing the password.
      throw new IllegalArgumentException(
          "Cannot read " + what + " " + path + " as " + storeType + ": " + e.getMessage(), e);
    }
    return store;
  }

  private static char[] chars(String password) {
    return password == null ? null : password.toCharArray();
  }
}
