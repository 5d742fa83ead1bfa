package io.github.deltaconnect.contract;

import io.github.deltaconnect.avro.AvroData;
import io.github.deltaconnect.contract.config.ContractConverterConfig;
import io.github.deltaconnect.contract.contract.Contracts;
import io.github.deltaconnect.contract.decode.RecordReader;
import io.github.deltaconnect.contract.encode.RecordWriter;
import io.github.deltaconnect.contract.metrics.ConverterMetrics;
import io.github.deltaconnect.registry.CachingSchemaRegistry;
import io.github.deltaconnect.registry.HttpSchemaRegistry;
import io.github.deltaconnect.registry.RegistrySettings;
import io.github.deltaconnect.registry.SchemaRegistry;
import io.github.deltaconnect.registry.TlsContexts;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.storage.Converter;
import javax.net.ssl.SSLContext;

/**
 * A Connect converter that admits only records whose Avro writer schema is registered under the
 * contract's subject and compatible with the contract, and projects each onto the contract schema.
 * Everything else fails conversion with a {@link io.github.deltaconnect.contract.errors.ContractViolation}
 * naming the reason, which Connect routes to the dead-letter queue under
 * {@code errors.tolerance=all}. A thin shell over {@link RecordReader} and {@link RecordWriter}.
 */
public class ContractConverter implements Converter, Versioned, AutoCloseable {
  private final Function<RegistrySettings, SchemaRegistry> clients;
  private SchemaRegistry registry;
  private RecordReader reader;
  private RecordWriter writer;
  private ConverterMetrics metrics;

  /** The converter Connect instantiates: it asks the registry over HTTP. */
  public ContractConverter() {
    this(HttpSchemaRegistry::new);
  }

  /**
   * A converter whose registry client {@code clients} makes from the configured settings, cached
   * as the HTTP one is: for embedding and for tests with a registry in memory.
   */
  public ContractConverter(Function<RegistrySettings, SchemaRegistry> clients) {
    this.clients = clients;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    ContractConverterConfig config = new ContractConverterConfig(configs);
    Optional<CachingSchemaRegistry> cached = config.registryUrls().isEmpty() ? Optional.empty()
        : Optional.of(new CachingSchemaRegistry(clients.apply(settings(config)),
            config.cacheSize(), config.cacheTtl(), config.negativeCacheTtl()));
    Optional<SchemaRegistry> reg = cached.map(r -> r);
    this.registry = reg.orElse(null);
    this.metrics = new ConverterMetrics(cached);
    Contracts contracts = new Contracts(config, reg, System::nanoTime);
    this.reader = new RecordReader(config, isKey, reg, contracts, metrics, System::nanoTime,
        AvroData::toConnect);
    this.writer = new RecordWriter(config, isKey, contracts, AvroData::fromConnect);
    metrics.register(isKey);
  }

  static RegistrySettings settings(ContractConverterConfig config) {
    Optional<SSLContext> tls = config.truststoreLocation().isPresent()
        || config.keystoreLocation().isPresent()
        ? Optional.of(TlsContexts.create(
            config.truststoreLocation().map(Path::of).orElse(null),
            config.truststorePassword().orElse(null), config.truststoreType(),
            config.keystoreLocation().map(Path::of).orElse(null),
            config.keystorePassword().orElse(null), config.keystoreType()))
        : Optional.empty();
    return new RegistrySettings(config.registryUrls(), config.basicAuthUserInfo(),
        config.connectTimeout(), config.requestTimeout(), config.retries(), config.retryBackoff(),
        config.retryBackoffMax(), tls);
  }

  @Override
  public SchemaAndValue toConnectData(String topic, byte[] value) {
    return reader.read(topic, value);
  }

  @Override
  public byte[] fromConnectData(String topic, Schema schema, Object value) {
    return writer.write(topic, schema, value);
  }

  @Override
  public ConfigDef config() {
    return ContractConverterConfig.CONFIG_DEF;
  }

  @Override
  public String version() {
    String v = ContractConverter.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public void close() {
    if (metrics != null) {
      metrics.unregister();
    }
    if (registry != null) {
      registry.close();
    }
  }
}
