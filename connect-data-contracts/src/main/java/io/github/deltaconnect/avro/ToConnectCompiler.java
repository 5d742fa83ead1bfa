package io.github.deltaconnect.avro;

import io.github.deltaconnect.common.LogicalNames;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Compiles an Avro schema into its Connect schema and a tree of {@link ToConnect} steps. One
 * compiler per compilation: it remembers the records it built so every use of a record shares one
 * Connect schema object (which also keeps Connect's per-put struct validation at an identity
 * check).
 */
final class ToConnectCompiler {

  private static final long MILLIS_PER_DAY = 86_400_000L;

  private static final ToConnect SAME = datum -> datum;
  private static final ToConnect STRING = Object::toString;
  private static final ToConnect BYTES = ToConnectCompiler::bytes;
  private static final ToConnect FIXED = datum -> ((GenericFixed) datum).bytes().clone();
  private static final ToConnect DATE =
      datum -> new java.util.Date((Integer) datum * MILLIS_PER_DAY);
  private static final ToConnect TIME_MILLIS = datum -> new java.util.Date((Integer) datum);
  private static final ToConnect TIMESTAMP_MILLIS = datum -> new java.util.Date((Long) datum);

  /** A Connect schema and the step producing its values. */
  private record Compiled(Schema schema, ToConnect converter) {}

  /** Built records by full name and optionality (optional structs are distinct schemas). */
  private final Map<String, Compiled> records = new HashMap<>();
  private final AvroTypes.Stack stack = new AvroTypes.Stack();

  AvroToConnect compile(org.apache.avro.Schema avro) {
    if (avro.getType() == org.apache.avro.Schema.Type.NULL) {
      throw AvroTypes.nullType("as the whole schema");
    }
    Compiled compiled = compile(avro, false);
    return new AvroToConnect(avro, compiled.schema(), compiled.converter());
  }

  private Compiled compile(org.apache.avro.Schema avro, boolean optional) {
    LogicalType logical = avro.getLogicalType();
    if (logical != null) {
      Compiled compiled = logical(avro, logical, optional);
      if (compiled != null) {
        return compiled;
      }
    }
    return switch (avro.getType()) {
      case RECORD -> record(avro, optional);
      case UNION -> union(avro, optional);
      case ENUM -> new Compiled(build(primitive(avro, SchemaBuilder.string())
          .parameter(AvroData.ENUM_NAME, avro.getFullName())
          .parameter(AvroData.ENUM_SYMBOLS, String.join(",", avro.getEnumSymbols())), optional),
          STRING);
      case ARRAY -> array(avro, optional);
      case MAP -> map(avro, optional);
      case FIXED -> new Compiled(build(primitive(avro, SchemaBuilder.bytes())
          .parameter(AvroData.FIXED_SIZE, Integer.toString(avro.getFixedSize())), optional), FIXED);
      case BYTES -> new Compiled(build(primitive(avro, SchemaBuilder.bytes()), optional), BYTES);
      case STRING -> new Compiled(build(primitive(avro, SchemaBuilder.string()), optional), STRING);
      case INT -> new Compiled(build(primitive(avro, SchemaBuilder.int32()), optional), SAME);
      case LONG -> new Compiled(build(primitive(avro, SchemaBuilder.int64()), optional), SAME);
      case FLOAT -> new Compiled(build(primitive(avro, SchemaBuilder.float32()), optional), SAME);
      case DOUBLE -> new Compiled(build(primitive(avro, SchemaBuilder.float64()), optional), SAME);
      case BOOLEAN -> new Compiled(build(primitive(avro, SchemaBuilder.bool()), optional), SAME);
      case NULL -> throw AvroTypes.nullType("outside a union");
    };
  }

  /** Logical types with a Connect counterpart; null for the rest, which keep their base type. */
  private static Compiled logical(org.apache.avro.Schema avro, LogicalType logical,
      boolean optional) {
    if (logical instanceof LogicalTypes.Decimal decimal) {
      return new Compiled(build(Decimal.builder(decimal.getScale())
          .parameter(LogicalNames.DECIMAL_PRECISION, Integer.toString(decimal.getPrecision())),
          optional), new DecimalReader(decimal.getScale()));
    }
    return switch (logical.getName()) {
      case "date" -> new Compiled(build(Date.builder(), optional), DATE);
      case "time-millis" -> new Compiled(build(Time.builder(), optional), TIME_MILLIS);
      case "timestamp-millis" -> new Compiled(build(Timestamp.builder(), optional),
          TIMESTAMP_MILLIS);
      case "time-micros" -> named(LogicalNames.TIME_MICROS, optional);
      case "timestamp-micros" -> named(LogicalNames.TIMESTAMP_MICROS, optional);
      case "local-timestamp-millis" -> named(LogicalNames.LOCAL_TIMESTAMP_MILLIS, optional);
      case "local-timestamp-micros" -> named(LogicalNames.LOCAL_TIMESTAMP_MICROS, optional);
      default -> null;
    };
  }

  private static Compiled named(String name, boolean optional) {
    return new Compiled(build(SchemaBuilder.int64().name(name), optional), SAME);
  }

  /** A base-type builder, tagged with any logical type Connect has no counterpart for. */
  private static SchemaBuilder primitive(org.apache.avro.Schema avro, SchemaBuilder builder) {
    String logical = avro.getProp(LogicalType.LOGICAL_TYPE_PROP);
    return logical == null ? builder : builder.parameter(AvroData.LOGICAL_TYPE, logical);
  }

  private static Schema build(SchemaBuilder builder, boolean optional) {
    return (optional ? builder.optional() : builder).build();
  }

  private Compiled record(org.apache.avro.Schema avro, boolean optional) {
    String key = avro.getFullName() + (optional ? "?" : "");
    Compiled cached = records.get(key);
    if (cached != null) {
      return cached;
    }
    stack.push(avro);
    SchemaBuilder builder = SchemaBuilder.struct().name(avro.getFullName());
    if (avro.getDoc() != null) {
      builder.doc(avro.getDoc());
    }
    List<org.apache.avro.Schema.Field> avroFields = avro.getFields();
    ToConnect[] converters = new ToConnect[avroFields.size()];
    for (int i = 0; i < converters.length; i++) {
      org.apache.avro.Schema.Field field = avroFields.get(i);
      Compiled child = compile(field.schema(), false);
      converters[i] = child.converter();
      builder.field(field.name(), withDefault(child, field));
    }
    stack.pop(avro);
    Schema schema = build(builder, optional);
    Compiled compiled = new Compiled(schema,
        new RecordReader(schema, schema.fields().toArray(new Field[0]), converters));
    records.put(key, compiled);
    return compiled;
  }

  /**
   * The field schema carrying the Avro field's default, for values Connect can hold as a schema
   * default (not structs, arrays or maps); otherwise the shared schema unchanged. Optional fields
   * get none: Connect's {@code Struct.get} returns the schema default for a null value, so a real
   * null in the data would read as the default.
   */
  private static Schema withDefault(Compiled child, org.apache.avro.Schema.Field field) {
    Schema schema = child.schema();
    if (!field.hasDefaultValue() || schema.isOptional() || schema.type() == Schema.Type.STRUCT
        || schema.type() == Schema.Type.ARRAY || schema.type() == Schema.Type.MAP) {
      return schema;
    }
    try {
      Object datum = GenericData.get().getDefaultValue(field);
      if (datum == null) {
        return schema;
      }
      SchemaBuilder builder = new SchemaBuilder(schema.type());
      if (schema.name() != null) {
        builder.name(schema.name());
      }
      if (schema.doc() != null) {
        builder.doc(schema.doc());
      }
      if (schema.parameters() != null) {
        builder.parameters(schema.parameters());
      }
      if (schema.isOptional()) {
        builder.optional();
      }
      return builder.defaultValue(child.converter().convert(datum)).build();
    } catch (RuntimeException e) {
      // An Avro default Connect cannot hold is simply not carried over; the data is unaffected.
      return schema;
    }
  }

  private Compiled union(org.apache.avro.Schema avro, boolean optional) {
    List<org.apache.avro.Schema> branches = AvroTypes.nonNullBranches(avro);
    boolean nullable = optional || branches.size() < avro.getTypes().size();
    if (branches.isEmpty()) {
      throw AvroTypes.nullType("as a union with no other branch");
    }
    if (branches.size() == 1) {
      return compile(branches.get(0), nullable);
    }
    List<String> names = AvroTypes.branchNames(branches);
    SchemaBuilder builder = SchemaBuilder.struct().name(AvroData.UNION_NAME);
    List<Compiled> compiled = new ArrayList<>(branches.size());
    for (int i = 0; i < branches.size(); i++) {
      Compiled branch = compile(branches.get(i), true);
      compiled.add(branch);
      builder.field(names.get(i), branch.schema());
    }
    Schema schema = build(builder, nullable);
    // Named types first: a datum of a named type may also look like a generic one.
    List<Branch> ordered = new ArrayList<>(branches.size());
    for (boolean named : new boolean[] {true, false}) {
      for (int i = 0; i < branches.size(); i++) {
        org.apache.avro.Schema branch = branches.get(i);
        if (isNamed(branch) == named) {
          ordered.add(new Branch(matcher(branch), schema.field(names.get(i)),
              compiled.get(i).converter()));
        }
      }
    }
    return new Compiled(schema, new UnionReader(schema, ordered.toArray(new Branch[0])));
  }

  private static boolean isNamed(org.apache.avro.Schema avro) {
    return switch (avro.getType()) {
      case RECORD, ENUM, FIXED -> true;
      default -> false;
    };
  }

  /** Recognises the datums {@code GenericDatumReader} yields for one union branch. */
  private static Predicate<Object> matcher(org.apache.avro.Schema branch) {
    String name = isNamed(branch) ? branch.getFullName() : null;
    return switch (branch.getType()) {
      case RECORD -> datum -> datum instanceof IndexedRecord record
          && (record.getSchema() == branch || name.equals(record.getSchema().getFullName()));
      case ENUM -> datum -> datum instanceof GenericEnumSymbol<?> symbol
          && (symbol.getSchema() == branch || name.equals(symbol.getSchema().getFullName()));
      case FIXED -> datum -> datum instanceof GenericFixed fixed
          && (fixed.getSchema() == branch || name.equals(fixed.getSchema().getFullName()));
      case STRING -> datum -> datum instanceof CharSequence;
      case BYTES -> datum -> datum instanceof ByteBuffer;
      case INT -> datum -> datum instanceof Integer;
      case LONG -> datum -> datum instanceof Long;
      case FLOAT -> datum -> datum instanceof Float;
      case DOUBLE -> datum -> datum instanceof Double;
      case BOOLEAN -> datum -> datum instanceof Boolean;
      case ARRAY -> datum -> datum instanceof Collection;
      case MAP -> datum -> datum instanceof Map;
      case NULL, UNION -> datum -> false;
    };
  }

  private Compiled array(org.apache.avro.Schema avro, boolean optional) {
    Compiled element = compile(avro.getElementType(), false);
    return new Compiled(build(SchemaBuilder.array(element.schema()), optional),
        new ArrayReader(element.converter()));
  }

  private Compiled map(org.apache.avro.Schema avro, boolean optional) {
    Compiled value = compile(avro.getValueType(), false);
    return new Compiled(build(SchemaBuilder.map(Schema.STRING_SCHEMA, value.schema()), optional),
        new MapReader(value.converter()));
  }

  /** Copies the remaining bytes without moving the buffer, which the caller may still read. */
  private static byte[] bytes(Object datum) {
    if (datum instanceof byte[] array) {
      return array.clone();
    }
    ByteBuffer buffer = ((ByteBuffer) datum).duplicate();
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  /** Avro record to Struct; fields are written by their compiled {@link Field}, never by name. */
  private static final class RecordReader implements ToConnect {
    private final Schema schema;
    private final Field[] fields;
    private final ToConnect[] converters;

    RecordReader(Schema schema, Field[] fields, ToConnect[] converters) {
      this.schema = schema;
      this.fields = fields;
      this.converters = converters;
    }

    @Override
    public Object convert(Object datum) {
      IndexedRecord record = (IndexedRecord) datum;
      Struct struct = new Struct(schema);
      Object[] values = StructValues.available() ? StructValues.of(struct) : null;
      for (int i = 0; i < fields.length; i++) {
        Object value = record.get(i);
        try {
          Object converted = value == null ? null : converters[i].convert(value);
          if (values != null) {
            values[fields[i].index()] = converted; // types are right by construction
          } else {
            struct.put(fields[i], converted);
          }
        } catch (PathException e) {
          throw e.field(fields[i].name());
        } catch (RuntimeException e) {
          throw new PathException(e.getMessage(), e).field(fields[i].name());
        }
      }
      return struct;
    }
  }

  private static final class ArrayReader implements ToConnect {
    private final ToConnect element;

    ArrayReader(ToConnect element) {
      this.element = element;
    }

    @Override
    public Object convert(Object datum) {
      Collection<?> array = (Collection<?>) datum;
      List<Object> out = new ArrayList<>(array.size());
      int i = 0;
      for (Object item : array) {
        try {
          out.add(item == null ? null : element.convert(item));
        } catch (PathException e) {
          throw e.index(i);
        }
        i++;
      }
      return out;
    }
  }

  private static final class MapReader implements ToConnect {
    private final ToConnect value;

    MapReader(ToConnect value) {
      this.value = value;
    }

    @Override
    public Object convert(Object datum) {
      Map<?, ?> map = (Map<?, ?>) datum;
      Map<String, Object> out = new HashMap<>((int) (map.size() / 0.75f) + 1);
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        String key = entry.getKey().toString();
        Object item = entry.getValue();
        try {
          out.put(key, item == null ? null : value.convert(item));
        } catch (PathException e) {
          throw e.key(key);
        }
      }
      return out;
    }
  }

  private record Branch(Predicate<Object> matcher, Field field, ToConnect converter) {}

  /** A multi-branch union datum to a Struct with the matching branch's field set. */
  private static final class UnionReader implements ToConnect {
    private final Schema schema;
    private final Branch[] branches;

    UnionReader(Schema schema, Branch[] branches) {
      this.schema = schema;
      this.branches = branches;
    }

    @Override
    public Object convert(Object datum) {
      for (Branch branch : branches) {
        if (branch.matcher().test(datum)) {
          Struct struct = new Struct(schema);
          try {
            return struct.put(branch.field(), branch.converter().convert(datum));
          } catch (PathException e) {
            throw e.field(branch.field().name());
          }
        }
      }
      throw new PathException("a " + datum.getClass().getName()
          + " matches no branch of the union " + schema.fields());
    }
  }

  /** Two's-complement big-endian unscaled bytes (bytes or fixed) to BigDecimal. */
  private static final class DecimalReader implements ToConnect {
    private final int scale;

    DecimalReader(int scale) {
      this.scale = scale;
    }

    @Override
    public Object convert(Object datum) {
      if (datum instanceof GenericFixed fixed) {
        byte[] bytes = fixed.bytes();
        return bytes.length == 0 ? BigDecimal.valueOf(0, scale)
            : new BigDecimal(new BigInteger(bytes), scale);
      }
      ByteBuffer buffer = (ByteBuffer) datum;
      int length = buffer.remaining();
      if (length == 0) {
        return BigDecimal.valueOf(0, scale);
      }
      BigInteger unscaled = buffer.hasArray()
          ? new BigInteger(buffer.array(), buffer.arrayOffset() + buffer.position(), length)
          : new BigInteger(bytes(buffer));
      return new BigDecimal(unscaled, scale);
    }
  }
}
