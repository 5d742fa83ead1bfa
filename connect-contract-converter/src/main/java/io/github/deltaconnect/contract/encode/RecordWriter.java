package io.github.deltaconnect.contract.encode;

import io.github.deltaconnect.avro.ConnectToAvro;
import io.github.deltaconnect.contract.config.ContractConverterConfig;
import io.github.deltaconnect.contract.config.SubjectNameStrategy;
import io.github.deltaconnect.registry.Contract;
import io.github.deltaconnect.contract.contract.Contracts;
import io.github.deltaconnect.contract.errors.RegistryFailure;
import io.github.deltaconnect.registry.RegistryException;
import io.github.deltaconnect.contract.wire.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.errors.DataException;

/**
 * The converter's write path (source connectors, MirrorMaker): a Connect value is written in the
 * wire format under the contract's own schema id. Nothing is registered; a value that does not fit
 * the contract is refused.
 */
public final class RecordWriter {
  private final Contracts contracts;
  private final Optional<String> fixedSubject;
  private final SubjectNameStrategy strategy;
  private final boolean isKey;
  private final Function<Schema, ConnectToAvro> compiler;
  private final Map<Contract, Encoding> encodings = new IdentityHashMap<>();
  /** Subject per topic under TopicNameStrategy, so a record does not build its subject name. */
  private final Map<String, String> topicSubjects = new HashMap<>();
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
  private final byte[] header = new byte[WireFormat.HEADER_BYTES];
  private BinaryEncoder encoder;

  private record Encoding(ConnectToAvro toAvro, GenericDatumWriter<Object> writer) {}

  public RecordWriter(ContractConverterConfig config, boolean isKey, Contracts contracts,
      Function<Schema, ConnectToAvro> compiler) {
    this.contracts = contracts;
    this.fixedSubject = config.contractSubject();
    this.strategy = config.subjectNameStrategy();
    this.isKey = isKey;
    this.compiler = compiler;
  }

  public byte[] write(String topic, org.apache.kafka.connect.data.Schema schema, Object value) {
    if (value == null) {
      return null;
    }
    Contract contract = contract(topic, schema);
    if (contract.local()) {
      throw new DataException("Cannot write the wire format for " + contract.describe()
          + ": it has no registry schema id. Use a registry contract to serialise.");
    }
    Encoding encoding = encodings.computeIfAbsent(contract, c -> new Encoding(
        compiler.apply(c.schema()), new GenericDatumWriter<>(c.schema())));
    Object datum = encoding.toAvro().convert(schema, value);
    buffer.reset();
    WireFormat.writeHeader(contract.id(), header);
    buffer.writeBytes(header);
    encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
    try {
      encoding.writer().write(datum, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new DataException("Cannot write a value for topic " + topic + " as "
          + contract.describe() + ": " + e.getMessage(), e);
    }
    return buffer.toByteArray();
  }

  private Contract contract(String topic, org.apache.kafka.connect.data.Schema schema) {
    String subject = fixedSubject.orElseGet(() -> switch (strategy) {
      case TOPIC_NAME -> topicSubjects.computeIfAbsent(topic, t -> t + (isKey ? "-key" : "-value"));
      case RECORD_NAME -> recordName(schema);
      case TOPIC_RECORD_NAME -> topic + "-" + recordName(schema);
    });
    try {
      return contracts.current(subject);
    } catch (RegistryException e) {
      throw new RegistryFailure("The Schema Registry could not answer for subject " + subject
          + ": " + e.getMessage(), e);
    }
  }

  private static String recordName(org.apache.kafka.connect.data.Schema schema) {
    if (schema == null || schema.name() == null) {
      throw new DataException("RecordNameStrategy needs a named Connect schema to find the subject");
    }
    return schema.name();
  }
}
