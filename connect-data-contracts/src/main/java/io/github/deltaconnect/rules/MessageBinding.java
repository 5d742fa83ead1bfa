package io.github.deltaconnect.rules;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableMap;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.NullableType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import io.github.deltaconnect.common.LogicalNames;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * The CEL view of one Connect schema: the declared type of {@code message} (structs become CEL
 * struct types, so the checker rejects unknown fields and type mismatches at compile time) and a
 * precompiled converter from Connect values to the values cel-java's runtime expects.
 *
 * <p>Values are plain Java: a struct becomes a {@code Map} from field name to value, which the
 * runtime selects from like a message; a null field is left out of the map, so {@code
 * has(message.x)} is false and reading {@code message.x} is an evaluation error. Integers become
 * {@code long} (CEL int), floats {@code double}, bytes {@link CelByteString}, timestamps and dates
 * {@link Instant}, times {@link Duration}, and decimals {@code double} (lossy beyond ~15 digits,
 * but it lets {@code message.amount > 0.0} read naturally). Local timestamps are read as UTC.
 */
final class MessageBinding {

  /** A step from a Connect value (never null) to its CEL value. */
  @FunctionalInterface
  interface ToCel {
    Object apply(Object value);
  }

  private record Bound(CelType type, ToCel converter) {}

  private static final ToCel SAME = value -> value;
  private static final ToCel INTEGER = value -> ((Number) value).longValue();
  private static final ToCel FLOATING = value -> ((Number) value).doubleValue();
  private static final ToCel BYTES = MessageBinding::bytes;
  private static final ToCel DECIMAL = value -> ((BigDecimal) value).doubleValue();
  private static final ToCel MILLIS_INSTANT = value -> Instant.ofEpochMilli(millis(value));
  private static final ToCel MILLIS_DURATION = value -> Duration.ofMillis(millis(value));
  private static final ToCel MICROS_INSTANT =
      value -> Instant.EPOCH.plus(((Number) value).longValue(), ChronoUnit.MICROS);
  private static final ToCel MICROS_DURATION =
      value -> Duration.of(((Number) value).longValue(), ChronoUnit.MICROS);

  private static final String TYPE_PREFIX = "connect.";

  private final CelType type;
  private final CelTypeProvider types;
  private final ToCel converter;

  private MessageBinding(CelType type, CelTypeProvider types, ToCel converter) {
    this.type = type;
    this.types = types;
    this.converter = converter;
  }

  /**
   * Binds {@code schema} as the variable named {@code root}. Struct types are named after their
   * path under a prefix: a type named like the path itself ({@code message.address}) would make
   * the checker resolve {@code message.address} as a type name instead of a field selection.
   */
  static MessageBinding of(Schema schema, String root) {
    Map<String, CelType> structs = new LinkedHashMap<>();
    Bound bound = bind(schema, TYPE_PREFIX + root, structs);
    return new MessageBinding(bound.type(), new Types(ImmutableMap.copyOf(structs)),
        bound.converter());
  }

  CelType type() {
    return type;
  }

  /** The struct types {@link #type()} refers to, for the compiler's type checker. */
  CelTypeProvider types() {
    return types;
  }

  /** The CEL value of a non-null Connect value of the bound schema. */
  Object toCel(Object value) {
    return converter.apply(value);
  }

  private static Bound bind(Schema schema, String path, Map<String, CelType> structs) {
    Bound logical = logical(schema);
    if (logical != null) {
      return logical;
    }
    return switch (schema.type()) {
      case INT8, INT16, INT32, INT64 -> new Bound(SimpleType.INT, INTEGER);
      case FLOAT32, FLOAT64 -> new Bound(SimpleType.DOUBLE, FLOATING);
      case BOOLEAN -> new Bound(SimpleType.BOOL, SAME);
      case STRING -> new Bound(SimpleType.STRING, SAME);
      case BYTES -> new Bound(SimpleType.BYTES, BYTES);
      case ARRAY -> array(schema, path, structs);
      case MAP -> map(schema, path, structs);
      case STRUCT -> struct(schema, path, structs);
    };
  }

  private static Bound logical(Schema schema) {
    String name = schema.name();
    if (name == null) {
      return null;
    }
    Schema.Type physical = schema.type();
    return switch (name) {
      case Decimal.LOGICAL_NAME -> physical == Schema.Type.BYTES
          ? new Bound(SimpleType.DOUBLE, DECIMAL) : null;
      case Timestamp.LOGICAL_NAME, Date.LOGICAL_NAME, LogicalNames.LOCAL_TIMESTAMP_MILLIS ->
          physical == Schema.Type.INT64 || physical == Schema.Type.INT32
              ? new Bound(SimpleType.TIMESTAMP, MILLIS_INSTANT) : null;
      case Time.LOGICAL_NAME -> physical == Schema.Type.INT32
          ? new Bound(SimpleType.DURATION, MILLIS_DURATION) : null;
      case LogicalNames.TIMESTAMP_MICROS, LogicalNames.LOCAL_TIMESTAMP_MICROS ->
          physical == Schema.Type.INT64 ? new Bound(SimpleType.TIMESTAMP, MICROS_INSTANT) : null;
      case LogicalNames.TIME_MICROS -> physical == Schema.Type.INT64
          ? new Bound(SimpleType.DURATION, MICROS_DURATION) : null;
      default -> null;
    };
  }

  private static Bound array(Schema schema, String path, Map<String, CelType> structs) {
    Bound element = nullable(schema.valueSchema(), path + ".element", structs);
    ToCel convert = element.converter();
    return new Bound(ListType.create(element.type()), value -> {
      List<?> list = (List<?>) value;
      List<Object> out = new ArrayList<>(list.size());
      for (Object item : list) {
        out.add(convert.apply(item));
      }
      return out;
    });
  }

  private static Bound map(Schema schema, String path, Map<String, CelType> structs) {
    Bound key = bind(schema.keySchema(), path + ".key", structs);
    Bound val = nullable(schema.valueSchema(), path + ".value", structs);
    // CEL map keys are int, uint, bool or string; other Connect keys still convert, typed as dyn.
    CelType keyType = switch (key.type().kind()) {
      case INT, BOOL, STRING -> key.type();
      default -> SimpleType.DYN;
    };
    ToCel convertKey = key.converter();
    ToCel convertValue = val.converter();
    return new Bound(MapType.create(keyType, val.type()), value -> {
      Map<?, ?> map = (Map<?, ?>) value;
      Map<Object, Object> out = new HashMap<>(capacity(map.size()));
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (e.getKey() != null) {
          out.put(convertKey.apply(e.getKey()), convertValue.apply(e.getValue()));
        }
      }
      return out;
    });
  }

  private static Bound struct(Schema schema, String path, Map<String, CelType> structs) {
    List<Field> fields = schema.fields();
    Field[] connect = fields.toArray(new Field[0]);
    String[] names = new String[connect.length];
    ToCel[] converters = new ToCel[connect.length];
    Map<String, CelType> fieldTypes = new LinkedHashMap<>();
    for (int i = 0; i < connect.length; i++) {
      names[i] = connect[i].name();
      Bound field = bind(connect[i].schema(), path + "." + names[i], structs);
      converters[i] = field.converter();
      fieldTypes.put(names[i], field.type());
    }
    ImmutableMap<String, CelType> resolved = ImmutableMap.copyOf(fieldTypes);
    StructType type = StructType.create(path, resolved.keySet(),
        name -> Optional.ofNullable(resolved.get(name)));
    structs.put(path, type);
    Map<String, Integer> index = new HashMap<>(capacity(connect.length));
    for (int i = 0; i < connect.length; i++) {
      index.put(names[i], i);
    }
    StructLayout layout = new StructLayout(connect, names, converters, Map.copyOf(index));
    return new Bound(type, value -> new StructView(layout, (Struct) value));
  }

  /** What every view of one struct schema shares. */
  private record StructLayout(Field[] fields, String[] names, ToCel[] converters,
      Map<String, Integer> index) {}

  /**
   * A struct as the map CEL selects fields from, converting a field only when an expression reads
   * it: rules usually read a few fields of wide records, and converting every field (nested
   * structs and lists included) of every record was most of a rule's cost. A null field is absent,
   * as before. Iteration and equality see the whole map, converted on first use.
   */
  private static final class StructView extends java.util.AbstractMap<String, Object> {
    private static final Object UNSET = new Object();
    private final StructLayout layout;
    private final Struct struct;
    private final Object[] converted;
    private Set<Map.Entry<String, Object>> entries;

    StructView(StructLayout layout, Struct struct) {
      this.layout = layout;
      this.struct = struct;
      this.converted = new Object[layout.fields().length];
      java.util.Arrays.fill(converted, UNSET);
    }

    private Object field(int i) {
      Object v = converted[i];
      if (v == UNSET) {
        Object raw = struct.get(layout.fields()[i]);
        v = raw == null ? null : layout.converters()[i].apply(raw);
        converted[i] = v;
      }
      return v;
    }

    @Override
    public Object get(Object key) {
      Integer i = layout.index().get(key);
      return i == null ? null : field(i);
    }

    @Override
    public boolean containsKey(Object key) {
      Integer i = layout.index().get(key);
      return i != null && struct.get(layout.fields()[i]) != null;
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
      if (entries == null) {
        Map<String, Object> all = new LinkedHashMap<>();
        for (int i = 0; i < converted.length; i++) {
          Object v = field(i);
          if (v != null) {
            all.put(layout.names()[i], v);
          }
        }
        entries = java.util.Collections.unmodifiableMap(all).entrySet();
      }
      return entries;
    }
  }

  /**
   * Elements and map values can be null where struct fields are simply absent: they become CEL
   * null, and optional primitives are declared as wrappers so {@code x == null} type-checks.
   */
  private static Bound nullable(Schema schema, String path, Map<String, CelType> structs) {
    Bound bound = bind(schema, path, structs);
    ToCel convert = bound.converter();
    ToCel orNull = value -> value == null ? NullValue.NULL_VALUE : convert.apply(value);
    if (!schema.isOptional()) {
      return new Bound(bound.type(), orNull);
    }
    CelType type = bound.type();
    boolean primitive = type == SimpleType.INT || type == SimpleType.DOUBLE
        || type == SimpleType.BOOL || type == SimpleType.STRING || type == SimpleType.BYTES;
    return new Bound(primitive ? NullableType.create(type) : type, orNull);
  }

  private static long millis(Object value) {
    return value instanceof java.util.Date date ? date.getTime() : ((Number) value).longValue();
  }

  private static CelByteString bytes(Object value) {
    if (value instanceof byte[] array) {
      return CelByteString.of(array);
    }
    ByteBuffer buffer = ((ByteBuffer) value).duplicate();
    byte[] array = new byte[buffer.remaining()];
    buffer.get(array);
    return CelByteString.of(array);
  }

  private static int capacity(int entries) {
    return (int) (entries / 0.75f) + 1;
  }

  /** The struct types of one binding, by name. */
  private static final class Types implements CelTypeProvider {
    private final ImmutableMap<String, CelType> byName;

    Types(ImmutableMap<String, CelType> byName) {
      this.byName = byName;
    }

    @Override
    public ImmutableCollection<CelType> types() {
      return byName.values();
    }

    @Override
    public Optional<CelType> findType(String typeName) {
      return Optional.ofNullable(byName.get(typeName));
    }
  }
}
