package io.github.deltaconnect.contract.config;

import io.github.deltaconnect.registry.CompatibilityMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The contract converter's configuration. Registry settings keep the names of Confluent's
 * converters ({@code schema.registry.url}, {@code basic.auth.user.info}, ...), so a connector moves
 * over by changing the converter class; the contract settings are this converter's own.
 */
public final class ContractConverterConfig extends AbstractConfig {

  public static final String REGISTRY_URL = "schema.registry.url";
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
  public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
  public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
  public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
  public static final String KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
  public static final String KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
  public static final String KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
  public static final String CONNECT_TIMEOUT_MS = "schema.registry.connect.timeout.ms";
  public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
  public static final String RETRIES = "schema.registry.retries";
  public static final String RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";
  public static final String RETRY_BACKOFF_MAX_MS = "schema.registry.retry.backoff.max.ms";
  public static final String AUTO_REGISTER = "auto.register.schemas";
  public static final String CACHE_SIZE = "schema.cache.size";
  public static final String CACHE_TTL_MS = "schema.cache.ttl.ms";
  public static final String CACHE_NEGATIVE_TTL_MS = "schema.cache.negative.ttl.ms";
  public static final String SUBJECT_NAME_STRATEGY = "subject.name.strategy";
  public static final String CONTRACT_SUBJECT = "contract.subject";
  public static final String CONTRACT_VERSION = "contract.version";
  public static final String CONTRACT_REFRESH_MS = "contract.refresh.interval.ms";
  public static final String CONTRACT_COMPATIBILITY = "contract.compatibility";
  public static final String CONTRACT_SCHEMA = "contract.schema";
  public static final String CONTRACT_FILE = "contract.file";

  /** {@link #CONTRACT_COMPATIBILITY} value: use the subject's level from the registry. */
  public static final String FROM_REGISTRY = "registry";
  public static final String LATEST = "latest";

  private static final String GROUP_REGISTRY = "Schema Registry";
  private static final String GROUP_CONTRACT = "Contract";

  public static final ConfigDef CONFIG_DEF = newConfigDef();

  private final SubjectNameStrategy strategy;
  private final Optional<CompatibilityMode> compatibility;

  public ContractConverterConfig(Map<?, ?> props) {
    super(CONFIG_DEF, props);
    this.strategy = SubjectNameStrategy.of(getString(SUBJECT_NAME_STRATEGY));
    String level = getString(CONTRACT_COMPATIBILITY);
    this.compatibility = FROM_REGISTRY.equalsIgnoreCase(level.trim())
        ? Optional.empty() : Optional.of(CompatibilityMode.of(level));
    if (getBoolean(AUTO_REGISTER)) {
      throw new ConfigException(AUTO_REGISTER, true, "this converter never registers schemas: a"
          + " contract admits only schemas its owners registered. Set it to false");
    }
    boolean offline = contractSchema().isPresent() || contractFile().isPresent();
    if (registryUrls().isEmpty() && !offline) {
      throw new ConfigException(REGISTRY_URL, "", "is required unless the contract is given by "
          + CONTRACT_SCHEMA + " or " + CONTRACT_FILE);
    }
    if (getString(CONTRACT_SCHEMA) != null && getString(CONTRACT_FILE) != null) {
      throw new ConfigException(CONTRACT_FILE, getString(CONTRACT_FILE), "set either "
          + CONTRACT_SCHEMA + " or " + CONTRACT_FILE + ", not both");
    }
  }

  private static ConfigDef newConfigDef() {
    int order = 0;
    ConfigDef def = new ConfigDef();
    def.define(REGISTRY_URL, Type.LIST, "", new RegistryUrls(), Importance.HIGH,
        "Schema Registry base URLs (Confluent REST API), comma-separated; tried in order, failing"
            + " over on connection errors and 5xx answers. Required unless the contract is local"
            + " (" + CONTRACT_SCHEMA + " or " + CONTRACT_FILE + "). No credentials in the URLs:"
            + " use " + BASIC_AUTH_USER_INFO + ".",
        GROUP_REGISTRY, ++order, Width.LONG, "Registry URLs");
    def.define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM,
        "HTTP basic authentication for the registry as user:password. Never logged.",
        GROUP_REGISTRY, ++order, Width.MEDIUM, "Basic auth user info");
    def.define(TRUSTSTORE_LOCATION, Type.STRING, null, Importance.LOW,
        "Trust store for HTTPS registry URLs (default: the JVM's trusted CAs).",
        GROUP_REGISTRY, ++order, Width.LONG, "Trust store");
    def.define(TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW,
        "Password of the trust store.", GROUP_REGISTRY, ++order, Width.MEDIUM, "Trust store password");
    def.define(TRUSTSTORE_TYPE, Type.STRING, "JKS", ConfigDef.ValidString.in("JKS", "PKCS12"),
        Importance.LOW, "Trust store format.", GROUP_REGISTRY, ++order, Width.SHORT, "Trust store type");
    def.define(KEYSTORE_LOCATION, Type.STRING, null, Importance.LOW,
        "Key store with a client certificate, for registries that require mutual TLS.",
        GROUP_REGISTRY, ++order, Width.LONG, "Key store");
    def.define(KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW,
        "Password of the key store and its key.", GROUP_REGISTRY, ++order, Width.MEDIUM,
        "Key store password");
    def.define(KEYSTORE_TYPE, Type.STRING, "JKS", ConfigDef.ValidString.in("JKS", "PKCS12"),
        Importance.LOW, "Key store format.", GROUP_REGISTRY, ++order, Width.SHORT, "Key store type");
    def.define(CONNECT_TIMEOUT_MS, Type.LONG, 10_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
        "Timeout for opening a connection to a registry URL.", GROUP_REGISTRY, ++order, Width.SHORT,
        "Connect timeout");
    def.define(REQUEST_TIMEOUT_MS, Type.LONG, 30_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
        "Timeout for one registry request.", GROUP_REGISTRY, ++order, Width.SHORT, "Request timeout");
    def.define(RETRIES, Type.INT, 5, ConfigDef.Range.between(0, 100), Importance.MEDIUM,
        "Rounds over all registry URLs before the registry counts as unavailable. An unavailable"
            + " registry fails the task (restart it when the registry is back): records are never"
            + " sent to the dead-letter queue for a registry outage.",
        GROUP_REGISTRY, ++order, Width.SHORT, "Retries");
    def.define(RETRY_BACKOFF_MS, Type.LONG, 200L, ConfigDef.Range.atLeast(1), Importance.LOW,
        "First backoff between retry rounds; doubles each round.", GROUP_REGISTRY, ++order,
        Width.SHORT, "Retry backoff");
    def.define(RETRY_BACKOFF_MAX_MS, Type.LONG, 5_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
        "Upper bound of the backoff between retry rounds.", GROUP_REGISTRY, ++order, Width.SHORT,
        "Max retry backoff");
    def.define(AUTO_REGISTER, Type.BOOLEAN, false, Importance.LOW,
        "Must stay false: the converter never registers schemas. Accepted so that configs written"
            + " for Confluent's converters validate.",
        GROUP_REGISTRY, ++order, Width.SHORT, "Auto-register schemas");
    def.define(CACHE_SIZE, Type.INT, 1000, ConfigDef.Range.atLeast(1), Importance.LOW,
        "Schemas (by id) and lookups kept in memory.", GROUP_REGISTRY, ++order, Width.SHORT,
        "Schema cache size");
    def.define(CACHE_TTL_MS, Type.LONG, 3_600_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
        "How long a cached schema or lookup answer is trusted.", GROUP_REGISTRY, ++order,
        Width.SHORT, "Schema cache TTL");
    def.define(CACHE_NEGATIVE_TTL_MS, Type.LONG, 30_000L, ConfigDef.Range.atLeast(0),
        Importance.LOW, "How long a 'not registered' answer is cached, so a stream of bad records"
            + " does not hammer the registry.",
        GROUP_REGISTRY, ++order, Width.SHORT, "Negative cache TTL");

    def.define(SUBJECT_NAME_STRATEGY, Type.STRING, SubjectNameStrategy.TOPIC_NAME.simpleName(),
        new ConfigDef.Validator() {
          @Override
          public void ensureValid(String name, Object value) {
            try {
              SubjectNameStrategy.of((String) value);
            } catch (IllegalArgumentException e) {
              throw new ConfigException(name, value, e.getMessage());
            }
          }

          @Override
          public String toString() {
            return "[TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy]";
          }
        },
        Importance.MEDIUM, "How the contract's subject is derived when " + CONTRACT_SUBJECT
            + " is empty: TopicNameStrategy (<topic>-value or <topic>-key), RecordNameStrategy (the"
            + " writer record's full name) or TopicRecordNameStrategy (<topic>-<record full name>)."
            + " Confluent's class names are accepted too.",
        GROUP_CONTRACT, ++order, Width.MEDIUM, "Subject name strategy");
    def.define(CONTRACT_SUBJECT, Type.STRING, "", Importance.MEDIUM,
        "The contract's subject. Empty: derived by " + SUBJECT_NAME_STRATEGY + ".",
        GROUP_CONTRACT, ++order, Width.MEDIUM, "Contract subject");
    def.define(CONTRACT_VERSION, Type.STRING, LATEST, new ConfigDef.Validator() {
          @Override
          public void ensureValid(String name, Object value) {
            String v = ((String) value).trim();
            if (!v.equalsIgnoreCase(LATEST) && !v.matches("[1-9][0-9]{0,9}")) {
              throw new ConfigException(name, value, "must be 'latest' or a version number >= 1");
            }
          }

          @Override
          public String toString() {
            return "latest or a version number";
          }
        }, Importance.HIGH,
        "The contract schema: a version of the subject, or 'latest' (re-read every "
            + CONTRACT_REFRESH_MS + "). Records are projected onto it, so the sink sees one schema"
            + " per contract version.",
        GROUP_CONTRACT, ++order, Width.SHORT, "Contract version");
    def.define(CONTRACT_REFRESH_MS, Type.LONG, 300_000L, ConfigDef.Range.atLeast(1000),
        Importance.LOW, "How often a 'latest' contract is re-read from the registry.",
        GROUP_CONTRACT, ++order, Width.SHORT, "Contract refresh interval");
    def.define(CONTRACT_COMPATIBILITY, Type.STRING, FROM_REGISTRY, new ConfigDef.Validator() {
          @Override
          public void ensureValid(String name, Object value) {
            String v = ((String) value).trim();
            if (!v.equalsIgnoreCase(FROM_REGISTRY)) {
              try {
                CompatibilityMode.of(v);
              } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
              }
            }
          }

          @Override
          public String toString() {
            return "registry, NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE,"
                + " FULL, FULL_TRANSITIVE";
          }
        }, Importance.MEDIUM,
        "The compatibility a writer schema must have with the contract, besides being readable as"
            + " it: 'registry' takes the subject's level (its global default if none is set).",
        GROUP_CONTRACT, ++order, Width.SHORT, "Contract compatibility");
    def.define(CONTRACT_SCHEMA, Type.STRING, null, Importance.MEDIUM,
        "An inline Avro schema (JSON) as the contract, for development without a registry. With a"
            + " registry too, writer schemas must still be registered under the subject.",
        GROUP_CONTRACT, ++order, Width.LONG, "Inline contract");
    def.define(CONTRACT_FILE, Type.STRING, null, new ConfigDef.Validator() {
          @Override
          public void ensureValid(String name, Object value) {
            if (value != null && !Files.isReadable(Path.of((String) value))) {
              throw new ConfigException(name, value, "is not a readable file");
            }
          }

          @Override
          public String toString() {
            return "a readable .avsc or registration .json file";
          }
        }, Importance.MEDIUM,
        "A local contract: an .avsc schema, or a .json file shaped like a registry registration"
            + " ({\"schema\": \"...\", \"ruleSet\": {...}}).",
        GROUP_CONTRACT, ++order, Width.LONG, "Contract file");
    return def;
  }

  public List<URI> registryUrls() {
    return getList(REGISTRY_URL).stream().map(String::trim).filter(s -> !s.isEmpty())
        .map(s -> URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s)).toList();
  }

  public Optional<String> basicAuthUserInfo() {
    return Optional.ofNullable(getPassword(BASIC_AUTH_USER_INFO)).map(Password::value);
  }

  public Optional<String> truststoreLocation() {
    return Optional.ofNullable(getString(TRUSTSTORE_LOCATION));
  }

  public Optional<String> truststorePassword() {
    return Optional.ofNullable(getPassword(TRUSTSTORE_PASSWORD)).map(Password::value);
  }

  public String truststoreType() {
    return getString(TRUSTSTORE_TYPE);
  }

  public Optional<String> keystoreLocation() {
    return Optional.ofNullable(getString(KEYSTORE_LOCATION));
  }

  public Optional<String> keystorePassword() {
    return Optional.ofNullable(getPassword(KEYSTORE_PASSWORD)).map(Password::value);
  }

  public String keystoreType() {
    return getString(KEYSTORE_TYPE);
  }

  public Duration connectTimeout() {
    return Duration.ofMillis(getLong(CONNECT_TIMEOUT_MS));
  }

  public Duration requestTimeout() {
    return Duration.ofMillis(getLong(REQUEST_TIMEOUT_MS));
  }

  public int retries() {
    return getInt(RETRIES);
  }

  public Duration retryBackoff() {
    return Duration.ofMillis(getLong(RETRY_BACKOFF_MS));
  }

  public Duration retryBackoffMax() {
    return Duration.ofMillis(getLong(RETRY_BACKOFF_MAX_MS));
  }

  public int cacheSize() {
    return getInt(CACHE_SIZE);
  }

  public Duration cacheTtl() {
    return Duration.ofMillis(getLong(CACHE_TTL_MS));
  }

  public Duration negativeCacheTtl() {
    return Duration.ofMillis(getLong(CACHE_NEGATIVE_TTL_MS));
  }

  public SubjectNameStrategy subjectNameStrategy() {
    return strategy;
  }

  /** The configured subject, when not derived per topic or record. */
  public Optional<String> contractSubject() {
    String s = getString(CONTRACT_SUBJECT).trim();
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  /** {@code latest} or a version number. */
  public String contractVersion() {
    String v = getString(CONTRACT_VERSION).trim();
    return v.equalsIgnoreCase(LATEST) ? LATEST : v;
  }

  public Duration contractRefresh() {
    return Duration.ofMillis(getLong(CONTRACT_REFRESH_MS));
  }

  /** An override of the subject's compatibility level; empty means ask the registry. */
  public Optional<CompatibilityMode> compatibilityOverride() {
    return compatibility;
  }

  public Optional<String> contractFile() {
    return Optional.ofNullable(getString(CONTRACT_FILE));
  }

  public Optional<String> contractSchema() {
    return Optional.ofNullable(getString(CONTRACT_SCHEMA));
  }

  /**
   * Each URL parses and carries no user info. Checked before the values are logged (at INFO, where
   * only PASSWORD values are masked) and before URLs reach error messages; the messages show a
   * URL with its user info replaced by ***.
   */
  private static final class RegistryUrls implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (!(value instanceof List<?> urls)) {
        return; // ConfigDef has already refused anything that is not a list
      }
      for (Object item : urls) {
        String url = String.valueOf(item).trim();
        String shown = withoutUserInfo(url);
        if (!shown.equals(url)) {
          throw new ConfigException(name, shown, "must not carry credentials (user:password@);"
              + " set " + BASIC_AUTH_USER_INFO + " instead");
        }
        try {
          new URI(url);
        } catch (URISyntaxException e) {
          throw new ConfigException(name, url, "is not a URL: " + e.getReason());
        }
      }
    }

    @Override
    public String toString() {
      return "URLs without user info";
    }
  }

  /** {@code url} with everything between {@code ://} and the last {@code @} replaced by ***. */
  static String withoutUserInfo(String url) {
    int scheme = url.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int at = url.lastIndexOf('@');
    return at < start ? url : url.substring(0, start) + "***" + url.substring(at);
  }
}
