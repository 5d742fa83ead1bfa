package io.github.deltaconnect.avro;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * Compiles an Avro schema into a tree of {@link ToAvro} steps. One compiler per compilation; a
 * record used in several places gets one step.
 */
final class ToAvroCompiler {

  private static final long MILLIS_PER_DAY = 86_400_000L;

  private static final ToAvro BOOLEAN = value -> {
    if (value instanceof Boolean) {
      return value;
    }
    throw mismatch("a Boolean", value);
  };
  private static final ToAvro INT = ToAvroCompiler::toInt;
  private static final ToAvro LONG = ToAvroCompiler::toLong;
  private static final ToAvro FLOAT = value -> {
    if (value instanceof Float) {
      return value;
    }
    throw mismatch("a Float", value);
  };
  private static final ToAvro DOUBLE = value -> {
    if (value instanceof Double) {
      return value;
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    throw mismatch("a Double", value);
  };
  private static final ToAvro STRING = value -> {
    if (value instanceof CharSequence) {
      return value;
    }
    if (value instanceof UUID) {
      return value.toString();
    }
    throw mismatch("a String", value);
  };
  private static final ToAvro BYTES = value -> {
    if (value instanceof byte[] bytes) {
      return ByteBuffer.wrap(bytes);
    }
    if (value instanceof ByteBuffer buffer) {
      return buffer.duplicate();
    }
    throw mismatch("a byte[] or ByteBuffer", value);
  };
  private static final ToAvro DATE = value -> {
    if (value instanceof java.util.Date date) {
      long millis = date.getTime();
      if (millis % MILLIS_PER_DAY != 0) {
        throw new PathException("date " + date.toInstant() + " is not a UTC midnight");
      }
      return Math.toIntExact(millis / MILLIS_PER_DAY);
    }
    if (value instanceof Integer) {
      return value;
    }
    throw mismatch("a java.util.Date (date)", value);
  };
  private static final ToAvro TIME_MILLIS = value -> {
    if (value instanceof java.util.Date date) {
      long millis = date.getTime();
      if (millis < 0 || millis >= MILLIS_PER_DAY) {
        throw new PathException("time " + date.toInstant() + " is not within the first UTC day");
      }
      return (int) millis;
    }
    if (value instanceof Integer) {
      return value;
    }
    throw mismatch("a java.util.Date (time)", value);
  };
  private static final ToAvro MILLIS = value -> {
    if (value instanceof java.util.Date date) {
      return date.getTime();
    }
    return toLong(value);
  };
  private static final ToAvro MICROS = value -> {
    if (value instanceof java.util.Date date) {
      return Math.multiplyExact(date.getTime(), 1000L);
    }
    return toLong(value);
  };

  /** Compiled records by full name. */
  private final Map<String, ToAvro> records = new HashMap<>();
  private final AvroTypes.Stack stack = new AvroTypes.Stack();

  ConnectToAvro compile(Schema avro) {
    if (avro.getType() == Schema.Type.NULL) {
      throw AvroTypes.nullType("as the whole schema");
    }
    return new ConnectToAvro(avro, step(avro));
  }

  private ToAvro step(Schema avro) {
    LogicalType logical = avro.getLogicalType();
    if (logical != null) {
      ToAvro step = logical(avro, logical);
      if (step != null) {
        return step;
      }
    }
    return switch (avro.getType()) {
      case RECORD -> record(avro);
      case UNION -> union(avro);
      case ENUM -> new EnumWriter(avro);
      case ARRAY -> new ArrayWriter(step(avro.getElementType()),
          AvroTypes.nullable(avro.getElementType()));
      case MAP -> new MapWriter(step(avro.getValueType()), AvroTypes.nullable(avro.getValueType()));
      case FIXED -> new FixedWriter(avro);
      case BYTES -> BYTES;
      case STRING -> STRING;
      case INT -> INT;
      case LONG -> LONG;
      case FLOAT -> FLOAT;
      case DOUBLE -> DOUBLE;
      case BOOLEAN -> BOOLEAN;
      case NULL -> throw AvroTypes.nullType("outside a union");
    };
  }

  private static ToAvro logical(Schema avro, LogicalType logical) {
    if (logical instanceof LogicalTypes.Decimal decimal) {
      return new DecimalWriter(avro, decimal.getScale(), decimal.getPrecision());
    }
    return switch (logical.getName()) {
      case "date" -> DATE;
      case "time-millis" -> TIME_MILLIS;
      case "timestamp-millis", "local-timestamp-millis" -> MILLIS;
      case "time-micros", "timestamp-micros", "local-timestamp-micros" -> MICROS;
      default -> null;
    };
  }

  private ToAvro record(Schema avro) {
    ToAvro cached = records.get(avro.getFullName());
    if (cached != null) {
      return cached;
    }
    stack.push(avro);
    List<Schema.Field> fields = avro.getFields();
    ToAvro[] steps = new ToAvro[fields.size()];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = step(fields.get(i).schema());
    }
    stack.pop(avro);
    ToAvro step = new RecordWriter(avro, steps);
    records.put(avro.getFullName(), step);
    return step;
  }

  private ToAvro union(Schema avro) {
    List<Schema> branches = AvroTypes.nonNullBranches(avro);
    if (branches.isEmpty()) {
      throw AvroTypes.nullType("as a union with no other branch");
    }
    if (branches.size() == 1) {
      return step(branches.get(0));
    }
    ToAvro[] steps = new ToAvro[branches.size()];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = step(branches.get(i));
    }
    return new UnionWriter(AvroTypes.branchNames(branches).toArray(new String[0]), steps,
        AvroTypes.nullable(avro));
  }

  private static PathException mismatch(String expected, Object value) {
    return new PathException("expected " + expected + ", got a " + value.getClass().getName());
  }

  private static Object toInt(Object value) {
    if (value instanceof Integer) {
      return value;
    }
    if (value instanceof Short || value instanceof Byte) {
      return ((Number) value).intValue();
    }
    if (value instanceof Long l && l == l.intValue()) {
      return l.intValue();
    }
    throw mismatch("an Integer", value);
  }

  private static Object toLong(Object value) {
    if (value instanceof Long) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    throw mismatch("a Long", value);
  }

  /**
   * Where each Avro field finds its value in structs of one Connect schema: the Connect field of
   * the same name, or null when that schema lacks it.
   */
  private record Plan(org.apache.kafka.connect.data.Schema schema, Field[] sources) {

    static final Plan NONE = new Plan(null, new Field[0]);

    static Plan of(org.apache.kafka.connect.data.Schema schema, String[] names) {
      Field[] sources = new Field[names.length];
      for (int i = 0; i < names.length; i++) {
        sources[i] = schema.field(names[i]);
      }
      return new Plan(schema, sources);
    }
  }

  /**
   * Struct to Avro record, fields matched by name through a {@link Plan} for the last Connect
   * schema seen. The plan field is a benign race: plans are immutable (final fields publish them
   * safely) and a lost update only costs rebuilding one.
   */
  private static final class RecordWriter implements ToAvro {
    private static final Object NO_DEFAULT = new Object();

    private final Schema schema;
    private final String[] names;
    private final Schema[] fieldSchemas;
    private final ToAvro[] steps;
    private final boolean[] nullable;
    /** The Avro field default as a datum, or {@link #NO_DEFAULT}. */
    private final Object[] defaults;
    private Plan plan = Plan.NONE;

    RecordWriter(Schema schema, ToAvro[] steps) {
      List<Schema.Field> fields = schema.getFields();
      this.schema = schema;
      this.steps = steps;
      this.names = new String[steps.length];
      this.fieldSchemas = new Schema[steps.length];
      this.nullable = new boolean[steps.length];
      this.defaults = new Object[steps.length];
      for (int i = 0; i < steps.length; i++) {
        Schema.Field field = fields.get(i);
        names[i] = field.name();
        fieldSchemas[i] = field.schema();
        nullable[i] = AvroTypes.nullable(field.schema());
        defaults[i] = defaultDatum(field);
      }
    }

    private static Object defaultDatum(Schema.Field field) {
      if (!field.hasDefaultValue()) {
        return NO_DEFAULT;
      }
      try {
        return GenericData.get().getDefaultValue(field);
      } catch (RuntimeException e) {
        // Only schemas parsed without default validation get here; treat the default as absent.
        return NO_DEFAULT;
      }
    }

    @Override
    public Object convert(Object value) {
      if (!(value instanceof Struct struct)) {
        throw mismatch("a Struct for Avro record '" + schema.getFullName() + "'", value);
      }
      Plan p = plan;
      if (p.schema() != struct.schema()) {
        p = Plan.of(struct.schema(), names);
        plan = p;
      }
      Field[] sources = p.sources();
      GenericData.Record record = new GenericData.Record(schema);
      for (int i = 0; i < sources.length; i++) {
        Field source = sources[i];
        Object item;
        if (source == null) {
          item = missing(i);
        } else {
          item = struct.get(source);
          if (item != null) {
            try {
              item = steps[i].convert(item);
            } catch (PathException e) {
              throw e.field(names[i]);
            } catch (ArithmeticException e) {
              throw new PathException(e.getMessage(), e).field(names[i]);
            }
          } else if (!nullable[i]) {
            throw new PathException("is null, but Avro type " + fieldSchemas[i]
                + " does not allow null").field(names[i]);
          }
        }
        record.put(i, item);
      }
      return record;
    }

    private Object missing(int i) {
      Object fallback = defaults[i];
      if (fallback == NO_DEFAULT) {
        if (nullable[i]) {
          return null;
        }
        throw new PathException("is missing from the Connect value, and the Avro field has no "
            + "default and does not allow null").field(names[i]);
      }
      // A copy, so no two records share a mutable default (records, arrays, maps, buffers).
      return fallback == null ? null : GenericData.get().deepCopy(fieldSchemas[i], fallback);
    }
  }

  /** A union Struct (one field per branch, exactly one set) to that branch's datum. */
  private static final class UnionWriter implements ToAvro {
    private final String[] names;
    private final ToAvro[] steps;
    private final boolean nullable;
    private Plan plan = Plan.NONE; // benign race, see RecordWriter

    UnionWriter(String[] names, ToAvro[] steps, boolean nullable) {
      this.names = names;
      this.steps = steps;
      this.nullable = nullable;
    }

    @Override
    public Object convert(Object value) {
      if (!(value instanceof Struct struct)) {
        throw mismatch("a " + AvroData.UNION_NAME + " Struct with one field of "
            + String.join(", ", names), value);
      }
      Plan p = plan;
      if (p.schema() != struct.schema()) {
        p = Plan.of(struct.schema(), names);
        plan = p;
      }
      Field[] sources = p.sources();
      int set = -1;
      Object item = null;
      for (int i = 0; i < sources.length; i++) {
        Object candidate = sources[i] == null ? null : struct.get(sources[i]);
        if (candidate != null) {
          if (set >= 0) {
            throw new PathException("union sets both '" + names[set] + "' and '" + names[i]
                + "'; exactly one branch may be set");
          }
          set = i;
          item = candidate;
        }
      }
      if (set < 0) {
        if (nullable) {
          return null;
        }
        throw new PathException("union sets none of " + String.join(", ", names)
            + ", and the Avro union does not allow null");
      }
      try {
        return steps[set].convert(item);
      } catch (PathException e) {
        throw e.field(names[set]);
      }
    }
  }

  private static final class ArrayWriter implements ToAvro {
    private final ToAvro element;
    private final boolean nullable;

    ArrayWriter(ToAvro element, boolean nullable) {
      this.element = element;
      this.nullable = nullable;
    }

    @Override
    public Object convert(Object value) {
      if (!(value instanceof Collection<?> items)) {
        throw mismatch("a List", value);
      }
      List<Object> out = new ArrayList<>(items.size());
      int i = 0;
      for (Object item : items) {
        if (item != null) {
          try {
            out.add(element.convert(item));
          } catch (PathException e) {
            throw e.index(i);
          }
        } else if (nullable) {
          out.add(null);
        } else {
          throw new PathException("is null, but the Avro array's items do not allow null")
              .index(i);
        }
        i++;
      }
      return out;
    }
  }

  private static final class MapWriter implements ToAvro {
    private final ToAvro values;
    private final boolean nullable;

    MapWriter(ToAvro values, boolean nullable) {
      this.values = values;
      this.nullable = nullable;
    }

    @Override
    public Object convert(Object value) {
      if (!(value instanceof Map<?, ?> map)) {
        throw mismatch("a Map", value);
      }
      Map<String, Object> out = new HashMap<>((int) (map.size() / 0.75f) + 1);
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof CharSequence key)) {
          throw mismatch("String map keys (Avro map keys are strings)", entry.getKey());
        }
        Object item = entry.getValue();
        if (item != null) {
          try {
            item = values.convert(item);
          } catch (PathException e) {
            throw e.key(key);
          }
        } else if (!nullable) {
          throw new PathException("is null, but the Avro map's values do not allow null").key(key);
        }
        out.put(key.toString(), item);
      }
      return out;
    }
  }

  /** Symbols resolve to prebuilt, immutable {@code EnumSymbol}s. */
  private static final class EnumWriter implements ToAvro {
    private final Schema schema;
    private final Map<String, GenericData.EnumSymbol> symbols;

    EnumWriter(Schema schema) {
      this.schema = schema;
      Map<String, GenericData.EnumSymbol> map = new HashMap<>();
      for (String symbol : schema.getEnumSymbols()) {
        map.put(symbol, new GenericData.EnumSymbol(schema, symbol));
      }
      this.symbols = Map.copyOf(map);
    }

    @Override
    public Object convert(Object value) {
      if (!(value instanceof CharSequence || value instanceof GenericEnumSymbol<?>)) {
        throw mismatch("a String symbol of Avro enum '" + schema.getFullName() + "'", value);
      }
      GenericData.EnumSymbol symbol = symbols.get(value.toString());
      if (symbol == null) {
        throw new PathException("'" + value + "' is not a symbol of Avro enum '"
            + schema.getFullName() + "' " + schema.getEnumSymbols());
      }
      return symbol;
    }
  }

  private static final class FixedWriter implements ToAvro {
    private final Schema schema;

    FixedWriter(Schema schema) {
      this.schema = schema;
    }

    @Override
    public Object convert(Object value) {
      byte[] bytes;
      if (value instanceof byte[] array) {
        bytes = array;
      } else if (value instanceof ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        bytes = new byte[copy.remaining()];
        copy.get(bytes);
      } else {
        throw mismatch("a byte[] or ByteBuffer", value);
      }
      if (bytes.length != schema.getFixedSize()) {
        throw new PathException(bytes.length + " bytes do not fit Avro fixed '"
            + schema.getFullName() + "' of size " + schema.getFixedSize());
      }
      return new GenericData.Fixed(schema, bytes);
    }
  }

  /** BigDecimal to two's-complement big-endian unscaled bytes, in a bytes or fixed schema. */
  private static final class DecimalWriter implements ToAvro {
    private final Schema schema;
    private final int scale;
    private final int precision;
    private final boolean fixed;

    DecimalWriter(Schema schema, int scale, int precision) {
      this.schema = schema;
      this.scale = scale;
      this.precision = precision;
      this.fixed = schema.getType() == Schema.Type.FIXED;
    }

    @Override
    public Object convert(Object value) {
      if (!(value instanceof BigDecimal decimal)) {
        throw mismatch("a BigDecimal", value);
      }
      if (decimal.scale() != scale) {
        try {
          decimal = decimal.setScale(scale, RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
          throw new PathException("decimal " + value + " has more than " + scale
              + " digits after the point (the Avro scale)");
        }
      }
      if (decimal.precision() > precision) {
        throw new PathException("decimal " + value + " has more than " + precision
            + " digits (the Avro precision)");
      }
      byte[] unscaled = decimal.unscaledValue().toByteArray();
      if (!fixed) {
        return ByteBuffer.wrap(unscaled);
      }
      int size = schema.getFixedSize();
      if (unscaled.length > size) {
        throw new PathException("decimal " + value + " needs " + unscaled.length
            + " bytes, more than Avro fixed '" + schema.getFullName() + "' holds (" + size + ")");
      }
      byte[] out = new byte[size];
      byte sign = unscaled[0] < 0 ? (byte) -1 : 0;
      int pad = size - unscaled.length;
      for (int i = 0; i < pad; i++) {
        out[i] = sign;
      }
      System.arraycopy(unscaled, 0, out, pad, unscaled.length);
      return new GenericData.Fixed(schema, out);
    }
  }
}
