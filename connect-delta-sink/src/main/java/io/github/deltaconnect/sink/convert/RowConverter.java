package io.github.deltaconnect.sink.convert;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.github.deltaconnect.common.LogicalNames;
import io.github.deltaconnect.sink.config.PartitionSpec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Turns a record value (a {@link Struct}, or a schemaless {@link Map}) into one table row: an
 * {@code Object[]} in table-column order holding the Java values Delta Kernel's column vectors
 * return (dates as epoch days, timestamps as epoch microseconds, structs as {@code Object[]}, arrays
 * as {@link List}, maps as {@link Map}). Anything that does not fit raises {@link DataException}
 * naming the field.
 */
public final class RowConverter {

  private static final long MILLIS_PER_DAY = 86_400_000L;
  private static final int PLAN_CACHE_LIMIT = 256;
  /** Epoch millis whose microseconds fit a long; beyond, toKernel reports the overflow. */
  private static final long MAX_MILLIS = Long.MAX_VALUE / 1000L;

  private final StructType tableSchema;
  private final PartitionSpec spec;
  private final boolean metadata;
  /** Columns the sink fills itself (derived, Kafka metadata): no record field may land there. */
  private final java.util.Set<String> reserved = new java.util.HashSet<>();
  private final int[] derivedColumns;
  private final int[] metadataColumns;
  /** Per struct type: column name to index, so each record field is found in O(1). */
  private final Map<StructType, Map<String, Integer>> indexes = new IdentityHashMap<>();
  /** Per record schema instance and target struct: where each record field lands, and how. */
  private final Map<Schema, Map<StructType, Plan>> plans = new IdentityHashMap<>();
  /** The derived partition columns' rules, and their dotted source paths split once. */
  private final PartitionSpec.Derived[] derived;
  private final String[][] derivedSources;

  /**
   * One struct schema's fields mapped onto a target struct: the column each field lands in and a
   * converter chosen once for the pair of types, with the field's path ready for error messages.
   */
  private record Plan(int[] columns, ValueConverter[] converters) {}

  /** Converts one non-null value of a known field; falls back to {@link #toKernel} when unsure. */
  @FunctionalInterface
  private interface ValueConverter {
    Object convert(Object value);
  }

  public RowConverter(StructType tableSchema, PartitionSpec spec, boolean metadata) {
    this(tableSchema, spec, metadata, null);
  }

  /** As above, with {@code sinkColumn} (null: none) a column the caller fills, never a record. */
  public RowConverter(StructType tableSchema, PartitionSpec spec, boolean metadata,
      String sinkColumn) {
    if (sinkColumn != null) {
      reserved.add(sinkColumn);
    }
    this.tableSchema = tableSchema;
    this.spec = spec;
    this.metadata = metadata;
    this.derivedColumns = spec.derived().keySet().stream().mapToInt(c -> column(tableSchema, c))
        .toArray();
    this.derived = spec.derived().values().toArray(PartitionSpec.Derived[]::new);
    this.derivedSources = spec.derived().values().stream()
        .map(d -> d.sourceField().split("\\.")).toArray(String[][]::new);
    reserved.addAll(spec.derived().keySet());
    List<String> meta = List.of(SchemaMapping.KAFKA_TOPIC, SchemaMapping.KAFKA_PARTITION,
        SchemaMapping.KAFKA_OFFSET, SchemaMapping.KAFKA_TIMESTAMP);
    this.metadataColumns = metadata
        ? meta.stream().mapToInt(c -> column(tableSchema, c)).toArray() : new int[0];
    if (metadata) {
      reserved.addAll(meta);
    }
  }

  private static int column(StructType schema, String name) {
    int i = schema.indexOf(name);
    if (i < 0) {
      throw new DataException("the table has no column '" + name + "' (table schema " + schema + ")");
    }
    return i;
  }

  public StructType tableSchema() {
    return tableSchema;
  }

  public Object[] convert(SinkRecord record) {
    Object value = record.value();
    Object[] row;
    if (value instanceof Struct struct) {
      row = fromStruct(struct, tableSchema, FieldPath.ROOT);
    } else if (value instanceof Map<?, ?> map) {
      row = fromMap(map, tableSchema, FieldPath.ROOT);
    } else {
      throw new DataException("value must be a Struct or a Map, got "
          + (value == null ? "null" : value.getClass().getSimpleName()));
    }
    for (int i = 0; i < derived.length; i++) {
      row[derivedColumns[i]] = derive(derived[i], derivedSources[i], value);
    }
    if (metadata) {
      row[metadataColumns[0]] = record.topic();
      row[metadataColumns[1]] = record.kafkaPartition();
      row[metadataColumns[2]] = record.kafkaOffset();
      row[metadataColumns[3]] = record.timestamp() == null ? null : record.timestamp() * 1000L;
    }
    return row;
  }

  private Object[] fromStruct(Struct struct, StructType target, FieldPath path) {
    Object[] out = new Object[target.length()];
    Schema schema = struct.schema();
    Plan plan = plan(schema, target, path);
    int[] columns = plan.columns();
    ValueConverter[] converters = plan.converters();
    List<Field> fields = schema.fields();
    for (int f = 0; f < columns.length; f++) {
      Object v = struct.get(fields.get(f));
      out[columns[f]] = v == null ? null : converters[f].convert(v);
    }
    return out;
  }

  private Plan plan(Schema schema, StructType target, FieldPath path) {
    Map<StructType, Plan> byTarget = plans.get(schema);
    Plan plan = byTarget == null ? null : byTarget.get(target);
    if (plan != null) {
      return plan;
    }
    Map<String, Integer> index = index(target);
    List<Field> fields = schema.fields();
    int[] columns = new int[fields.size()];
    ValueConverter[] converters = new ValueConverter[fields.size()];
    for (int f = 0; f < columns.length; f++) {
      Field field = fields.get(f);
      columns[f] = columnFor(index, target, field.name(), path);
      converters[f] = converter(target.at(columns[f]).getDataType(), field.schema(),
          path.child(field.name()));
    }
    plan = new Plan(columns, converters);
    if (plans.size() >= PLAN_CACHE_LIMIT) {
      plans.clear();
    }
    plans.computeIfAbsent(schema, s -> new IdentityHashMap<>()).put(target, plan);
    return plan;
  }

  /**
   * The converter for values of a Connect field landing in a column of {@code type}: the common
   * exact matches take one type check, everything else (widening, parsing, errors) goes through
   * {@link #toKernel}, which decides the same way for any value.
   */
  private ValueConverter converter(DataType type, Schema schema, FieldPath path) {
    if (type instanceof StringType) {
      return v -> v instanceof String ? v : toKernel(v, type, schema, path);
    } else if (type instanceof LongType) {
      return v -> v instanceof Long ? v : toKernel(v, type, schema, path);
    } else if (type instanceof IntegerType) {
      return v -> v instanceof Integer ? v : toKernel(v, type, schema, path);
    } else if (type instanceof DoubleType) {
      return v -> v instanceof Double ? v : toKernel(v, type, schema, path);
    } else if (type instanceof BooleanType) {
      return v -> v instanceof Boolean ? v : toKernel(v, type, schema, path);
    } else if (type instanceof TimestampType) {
      if (LogicalNames.TIMESTAMP_MICROS.equals(schema.name())) {
        return v -> v instanceof Long ? v : toKernel(v, type, schema, path);
      }
      return v -> v instanceof java.util.Date d && d.getTime() < MAX_MILLIS
          && d.getTime() > -MAX_MILLIS ? (Object) (d.getTime() * 1000L)
          : toKernel(v, type, schema, path);
    } else if (type instanceof StructType st) {
      return v -> v instanceof Struct s ? fromStruct(s, st, path) : toKernel(v, type, schema, path);
    }
    return v -> toKernel(v, type, schema, path);
  }

  private Map<String, Integer> index(StructType target) {
    return indexes.computeIfAbsent(target, t -> {
      Map<String, Integer> m = new HashMap<>();
      for (int i = 0; i < t.length(); i++) {
        m.put(t.at(i).getName(), i);
      }
      return m;
    });
  }

  private Object[] fromMap(Map<?, ?> map, StructType target, FieldPath path) {
    Object[] out = new Object[target.length()];
    Map<String, Integer> index = index(target);
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String name = String.valueOf(e.getKey());
      int col = columnFor(index, target, name, path);
      out[col] = toKernel(e.getValue(), target.at(col).getDataType(), null, path.child(name));
    }
    return out;
  }

  private int columnFor(Map<String, Integer> index, StructType target, String name,
      FieldPath path) {
    Integer col = index.get(name);
    if (col == null || (target == tableSchema && reserved.contains(name))) {
      throw new UnknownFieldException(path.child(name).toString());
    }
    return col;
  }

  /** Converts one value to the Kernel representation of {@code type}. */
  Object toKernel(Object v, DataType type, Schema schema, FieldPath path) {
    if (v == null) {
      return null;
    }
    try {
      if (type instanceof StringType) {
        if (v instanceof CharSequence s) {
          return s.toString();
        }
      } else if (type instanceof LongType) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
          return ((Number) v).longValue();
        }
      } else if (type instanceof IntegerType) {
        if (v instanceof java.util.Date d) { // Connect Time: millis since midnight
          return (int) Math.floorMod(d.getTime(), MILLIS_PER_DAY);
        }
        if (isIntegral(v)) {
          return Math.toIntExact(((Number) v).longValue());
        }
      } else if (type instanceof ShortType) {
        if (isIntegral(v)) {
          return narrow(((Number) v).longValue(), Short.MIN_VALUE, Short.MAX_VALUE, path).shortValue();
        }
      } else if (type instanceof ByteType) {
        if (isIntegral(v)) {
          return narrow(((Number) v).longValue(), Byte.MIN_VALUE, Byte.MAX_VALUE, path).byteValue();
        }
      } else if (type instanceof DoubleType) {
        if (v instanceof Number n) {
          return n.doubleValue();
        }
      } else if (type instanceof FloatType) {
        if (v instanceof Number n) {
          return n.floatValue();
        }
      } else if (type instanceof BooleanType) {
        if (v instanceof Boolean) {
          return v;
        }
      } else if (type instanceof TimestampType) {
        if (v instanceof Long micros && schema != null
            && LogicalNames.TIMESTAMP_MICROS.equals(schema.name())) {
          return micros;
        }
        return Math.multiplyExact(epochMillis(v, path), 1000L);
      } else if (type instanceof DateType) {
        if (v instanceof CharSequence s) {
          return Math.toIntExact(LocalDate.parse(s).toEpochDay());
        }
        if (v instanceof Integer days && schema == null) {
          return days;
        }
        return Math.toIntExact(Math.floorDiv(epochMillis(v, path), MILLIS_PER_DAY));
      } else if (type instanceof DecimalType dt) {
        return decimal(v, dt, path);
      } else if (type instanceof BinaryType) {
        if (v instanceof byte[]) {
          return v;
        }
        if (v instanceof ByteBuffer buf) {
          byte[] b = new byte[buf.remaining()];
          buf.duplicate().get(b);
          return b;
        }
      } else if (type instanceof StructType st) {
        if (v instanceof Struct s) {
          return fromStruct(s, st, path);
        }
        if (v instanceof Map<?, ?> m) {
          return fromMap(m, st, path);
        }
      } else if (type instanceof ArrayType at) {
        if (v instanceof List<?> list) {
          Schema elemSchema = schema == null ? null : schema.valueSchema();
          List<Object> out = new ArrayList<>(list.size());
          for (Object e : list) {
            out.add(toKernel(e, at.getElementType(), elemSchema, path.element()));
          }
          return out;
        }
      } else if (type instanceof MapType mt) {
        if (v instanceof Map<?, ?> map) {
          Schema ks = schema == null ? null : schema.keySchema();
          Schema vs = schema == null ? null : schema.valueSchema();
          Map<Object, Object> out = new LinkedHashMap<>(Math.max(4, map.size() * 2));
          for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getKey() == null) {
              throw new DataException("field '" + path + "': map keys must not be null");
            }
            out.put(toKernel(e.getKey(), mt.getKeyType(), ks, path.child("key")),
                toKernel(e.getValue(), mt.getValueType(), vs, path.child("value")));
          }
          return out;
        }
      }
    } catch (ArithmeticException | DateTimeParseException | NumberFormatException e) {
      throw new DataException("field '" + path + "': value does not fit column type " + type + ": "
          + e.getMessage(), e);
    }
    throw new DataException("field '" + path + "': a " + v.getClass().getSimpleName()
        + " cannot be written to a column of type " + type);
  }

  private Object derive(PartitionSpec.Derived d, String[] sourcePath, Object value) {
    Object source = lookup(value, sourcePath);
    if (source == null) {
      return null;
    }
    long millis = source instanceof Long micros && isMicros(value, sourcePath)
        ? Math.floorDiv(micros, 1000L) : epochMillis(source, d.sourceField());
    ZonedDateTime t = Instant.ofEpochMilli(millis).atZone(d.zone());
    return d.function() == PartitionSpec.DerivedFunction.DATE
        ? (Object) Math.toIntExact(t.toLocalDate().toEpochDay())
        : (Object) t.getHour();
  }

  /** Whether the field at a path of a Struct is declared as microseconds since the epoch. */
  private static boolean isMicros(Object value, String[] path) {
    Schema schema = value instanceof Struct s ? s.schema() : null;
    for (String part : path) {
      Field f = schema == null || schema.type() != Schema.Type.STRUCT ? null : schema.field(part);
      schema = f == null ? null : f.schema();
    }
    return schema != null && LogicalNames.TIMESTAMP_MICROS.equals(schema.name());
  }

  /** Reads a field path from a Struct or Map value; missing means null. */
  private static Object lookup(Object value, String[] path) {
    Object cur = value;
    for (String part : path) {
      if (cur instanceof Struct s) {
        Field f = s.schema().field(part);
        cur = f == null ? null : s.get(f);
      } else if (cur instanceof Map<?, ?> m) {
        cur = m.get(part);
      } else {
        return null;
      }
    }
    return cur;
  }

  private static long epochMillis(Object v, Object path) {
    if (v instanceof java.util.Date d) {
      return d.getTime();
    }
    if (v instanceof Long || v instanceof Integer) {
      return ((Number) v).longValue();
    }
    if (v instanceof CharSequence s) {
      String text = s.toString();
      try {
        return Instant.parse(text).toEpochMilli();
      } catch (DateTimeParseException e) {
        try {
          return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException e2) {
          return Math.multiplyExact(LocalDate.parse(text).toEpochDay(), MILLIS_PER_DAY);
        }
      }
    }
    throw new DataException("field '" + path + "': a " + v.getClass().getSimpleName()
        + " is not a timestamp (expected a Connect Timestamp/Date, epoch millis or ISO-8601 text)");
  }

  private static BigDecimal decimal(Object v, DecimalType dt, FieldPath path) {
    BigDecimal d;
    if (v instanceof BigDecimal b) {
      d = b;
    } else if (v instanceof Number || v instanceof CharSequence) {
      d = new BigDecimal(v.toString());
    } else {
      throw new DataException("field '" + path + "': a " + v.getClass().getSimpleName()
          + " is not a decimal");
    }
    BigDecimal scaled = d.setScale(dt.getScale(), RoundingMode.UNNECESSARY);
    if (scaled.precision() > dt.getPrecision()) {
      throw new DataException("field '" + path + "': " + d + " has more digits than " + dt);
    }
    return scaled;
  }

  private static boolean isIntegral(Object v) {
    return v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte;
  }

  private static Long narrow(long v, long min, long max, FieldPath path) {
    if (v < min || v > max) {
      throw new DataException("field '" + path + "': " + v + " is out of range [" + min + ", " + max
          + "]");
    }
    return v;
  }
}
