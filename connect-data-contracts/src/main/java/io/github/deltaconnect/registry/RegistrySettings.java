package io.github.deltaconnect.registry;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * How to reach the Schema Registry.
 *
 * @param urls base URLs, tried in turn (e.g. {@code http://sr:8081} or an Apicurio {@code
 *     .../apis/ccompat/v7}); at least one
 * @param basicAuthUserInfo {@code user:password} for HTTP basic auth; never printed
 * @param connectTimeout TCP/TLS connect timeout per attempt
 * @param requestTimeout timeout of one HTTP exchange
 * @param maxRetries extra rounds over all URLs after the first one fails everywhere
 * @param initialBackoff pause before the first retry round; doubles per round
 * @param maxBackoff cap of the pause between rounds
 * @param sslContext TLS context for https URLs; the JDK default when empty
 */
public record RegistrySettings(
    List<URI> urls,
    Optional<String> basicAuthUserInfo,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxRetries,
    Duration initialBackoff,
    Duration maxBackoff,
    Optional<SSLContext> sslContext) {

  private static final String MASK = "******";

  public RegistrySettings {
    Objects.requireNonNull(urls, "urls");
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("At least one Schema Registry URL is required");
    }
    urls = urls.stream().map(RegistrySettings::checkedUrl).toList();
    basicAuthUserInfo = basicAuthUserInfo == null ? Optional.empty() : basicAuthUserInfo;
    sslContext = sslContext == null ? Optional.empty() : sslContext;
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(requestTimeout, "requestTimeout");
    requirePositive(initialBackoff, "initialBackoff");
    requirePositive(maxBackoff, "maxBackoff");
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
    }
  }

  /** 10 s connect, 30 s request, 5 retries, backoff from 200 ms up to 5 s, no auth, default TLS. */
  public static RegistrySettings defaults(List<URI> urls) {
    return new RegistrySettings(
        urls,
        Optional.empty(),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        5,
        Duration.ofMillis(200),
        Duration.ofSeconds(5),
        Optional.empty());
  }

  public RegistrySettings withBasicAuth(String userInfo) {
    return new RegistrySettings(
        urls, Optional.ofNullable(userInfo), connectTimeout, requestTimeout, maxRetries,
        initialBackoff, maxBackoff, sslContext);
  }

  public RegistrySettings withTimeouts(Duration connect, Duration request) {
    return new RegistrySettings(
        urls, basicAuthUserInfo, connect, request, maxRetries, initialBackoff, maxBackoff,
        sslContext);
  }

  public RegistrySettings withRetries(int retries, Duration initial, Duration max) {
    return new RegistrySettings(
        urls, basicAuthUserInfo, connectTimeout, requestTimeout, retries, initial, max, sslContext);
  }

  public RegistrySettings withSslContext(SSLContext context) {
    return new RegistrySettings(
        urls, basicAuthUserInfo, connectTimeout, requestTimeout, maxRetries, initialBackoff,
        maxBackoff, Optional.ofNullable(context));
  }

  /** Masks the password of the user info: {@code user:******}. */
  @Override
  public String toString() {
    return "RegistrySettings[urls=" + urls
        + ", basicAuthUserInfo=" + basicAuthUserInfo.map(RegistrySettings::mask)
        + ", connectTimeout=" + connectTimeout
        + ", requestTimeout=" + requestTimeout
        + ", maxRetries=" + maxRetries
        + ", initialBackoff=" + initialBackoff
        + ", maxBackoff=" + maxBackoff
        + ", sslContext=" + sslContext.map(c -> c.getProtocol()).orElse("default")
        + "]";
  }

  static String mask(String userInfo) {
    int colon = userInfo.indexOf(':');
    return colon < 0 ? MASK : userInfo.substring(0, colon) + ":" + MASK;
  }

  private static URI checkedUrl(URI url) {
    Objects.requireNonNull(url, "url");
    String scheme = url.getScheme();
    if ((!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme))
        || url.getHost() == null) {
      // Echo only scheme/host/port: the rest may hold secrets.
      throw new IllegalArgumentException(
          "Schema Registry URL must be http(s)://host[:port][/path], was scheme=" + scheme
              + " host=" + url.getHost());
    }
    if (url.getRawUserInfo() != null) {
      // URLs end up in logs and exception messages, so credentials must not ride in them.
      throw new IllegalArgumentException(
          "Schema Registry URL " + url.getScheme() + "://" + url.getHost()
              + " carries user info; pass credentials as basicAuthUserInfo instead");
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "Schema Registry URL must not have a query or fragment: " + url.getScheme() + "://"
              + url.getHost() + ":" + url.getPort() + url.getRawPath());
    }
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return URI.create(url.getScheme().toLowerCase(Locale.ROOT) + "://"
        + url.getRawAuthority() + path);
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }
}
