package io.github.deltaconnect.sink.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.github.deltaconnect.common.LogicalNames;
import io.github.deltaconnect.sink.config.PartitionSpec;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

public class RowConverterTest {
  public static final Schema ADDRESS = SchemaBuilder.struct().name("Address")
      .field("city", Schema.STRING_SCHEMA).field("zip", Schema.OPTIONAL_INT32_SCHEMA).optional().build();
  public static final Schema ALL = SchemaBuilder.struct().name("All")
      .field("i8", Schema.INT8_SCHEMA)
      .field("i16", Schema.INT16_SCHEMA)
      .field("i32", Schema.INT32_SCHEMA)
      .field("i64", Schema.INT64_SCHEMA)
      .field("f32", Schema.FLOAT32_SCHEMA)
      .field("f64", Schema.FLOAT64_SCHEMA)
      .field("flag", Schema.BOOLEAN_SCHEMA)
      .field("text", Schema.STRING_SCHEMA)
      .field("blob", Schema.BYTES_SCHEMA)
      .field("price", Decimal.builder(2).parameter("connect.decimal.precision", "10").build())
      .field("day", Date.SCHEMA)
      .field("at", Timestamp.SCHEMA)
      .field("clock", Time.SCHEMA)
      .field("address", ADDRESS)
      .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
      .field("attrs", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_INT64_SCHEMA).build())
      .field("maybe", Schema.OPTIONAL_STRING_SCHEMA)
      .build();

  static final PartitionSpec SPEC = PartitionSpec.parse(List.of("day_part"),
      List.of("day_part=date(at)", "hour_part=hour(at)"), ZoneId.of("UTC"));

  @Test
  void mapsEveryConnectTypeToItsDeltaType() {
    StructType t = SchemaMapping.tableSchema(ALL, SPEC, true);
    assertEquals(new DecimalType(10, 2), t.get("price").getDataType());
    assertEquals(DateType.DATE, t.get("day").getDataType());
    assertEquals(TimestampType.TIMESTAMP, t.get("at").getDataType());
    assertEquals(IntegerType.INTEGER, t.get("clock").getDataType());
    assertTrue(t.get("address").getDataType() instanceof StructType);
    assertTrue(t.get("tags").getDataType() instanceof ArrayType);
    assertTrue(t.get("attrs").getDataType() instanceof MapType);
    assertEquals(DateType.DATE, t.get("day_part").getDataType());
    assertEquals(IntegerType.INTEGER, t.get("hour_part").getDataType());
    assertEquals(TimestampType.TIMESTAMP, t.get("_kafka_timestamp").getDataType());
    assertTrue(t.fields().stream().allMatch(f -> f.isNullable()), "all columns nullable");
  }

  @Test
  void convertsValuesToKernelRepresentations() {
    long at = 1_764_288_000_000L + 13 * 3_600_000L + 5; // 2025-11-28T13:00:00.005Z
    Struct v = new Struct(ALL)
        .put("i8", (byte) 1).put("i16", (short) 2).put("i32", 3).put("i64", 4L)
        .put("f32", 5.5f).put("f64", 6.25).put("flag", true).put("text", "héllo")
        .put("blob", new byte[] {1, 2})
        .put("price", new BigDecimal("12.30"))
        .put("day", new java.util.Date(20_000L * 86_400_000L))
        .put("at", new java.util.Date(at))
        .put("clock", new java.util.Date(3_600_000L))
        .put("address", new Struct(ADDRESS).put("city", "Berlin"))
        .put("tags", List.of("a", "b"))
        .put("attrs", Map.of("k", 7L));
    StructType t = SchemaMapping.tableSchema(ALL, SPEC, true);
    Object[] row = new RowConverter(t, SPEC, true)
        .convert(new SinkRecord("t", 3, null, null, ALL, v, 42, 99L, null));
    assertEquals((byte) 1, row[0]);
    assertEquals((short) 2, row[1]);
    assertArrayEquals(new byte[] {1, 2}, (byte[]) row[8]);
    assertEquals(new BigDecimal("12.30"), row[9]);
    assertEquals(20_000, row[10]);
    assertEquals(at * 1000, row[11]);
    assertEquals(3_600_000, row[12]);
    assertArrayEquals(new Object[] {"Berlin", null}, (Object[]) row[13]);
    assertEquals(List.of("a", "b"), row[14]);
    assertEquals(Map.of("k", 7L), row[15]);
    assertNull(row[16]);
    assertEquals((int) (at / 86_400_000L), row[17], "derived date");
    assertEquals(13, row[18], "derived hour");
    assertEquals("t", row[19]);
    assertEquals(3, row[20]);
    assertEquals(42L, row[21]);
    assertEquals(99_000L, row[22]);
  }

  @Test
  void coercesSchemalessMapsToTheTableSchema() {
    StructType t = SchemaMapping.tableSchema(ALL, PartitionSpec.unpartitioned(), false);
    Map<String, Object> v = new HashMap<>();
    v.put("i32", 7L);
    v.put("at", "2026-11-28T10:15:30Z");
    v.put("day", "2026-11-28");
    v.put("price", 1.5);
    v.put("address", Map.of("city", "Oslo", "zip", 150L));
    Object[] row = new RowConverter(t, PartitionSpec.unpartitioned(), false)
        .convert(new SinkRecord("t", 0, null, null, null, v, 1));
    assertEquals(7, row[2]);
    assertEquals(java.time.Instant.parse("2026-11-28T10:15:30Z").toEpochMilli() * 1000, row[11]);
    assertEquals((int) java.time.LocalDate.parse("2026-11-28").toEpochDay(), row[10]);
    assertEquals(new BigDecimal("1.50"), row[9]);
    assertArrayEquals(new Object[] {"Oslo", 150}, (Object[]) row[13]);
  }

  @Test
  void rejectsWhatDoesNotFitWithTheFieldName() {
    StructType t = SchemaMapping.tableSchema(ALL, PartitionSpec.unpartitioned(), false);
    RowConverter c = new RowConverter(t, PartitionSpec.unpartitioned(), false);
    DataException unknown = assertThrows(DataException.class, () -> c.convert(
        new SinkRecord("t", 0, null, null, null, Map.of("nope", 1), 1)));
    assertTrue(unknown.getMessage().contains("'nope'"), unknown.getMessage());
    DataException range = assertThrows(DataException.class, () -> c.convert(
        new SinkRecord("t", 0, null, null, null, Map.of("i8", 300L), 1)));
    assertTrue(range.getMessage().contains("'i8'"), range.getMessage());
    DataException type = assertThrows(DataException.class, () -> c.convert(
        new SinkRecord("t", 0, null, null, null, Map.of("address", Map.of("city", 5)), 1)));
    assertTrue(type.getMessage().contains("'address.city'"), type.getMessage());
    DataException scale = assertThrows(DataException.class, () -> c.convert(
        new SinkRecord("t", 0, null, null, null, Map.of("price", "1.234"), 1)));
    assertTrue(scale.getMessage().contains("'price'"), scale.getMessage());
    // Struct values take the compiled per-field converters: an overflow still names the field.
    for (long millis : new long[] {Long.MAX_VALUE, Long.MIN_VALUE}) {
      org.apache.kafka.connect.data.Schema one = SchemaBuilder.struct().name("One")
          .field("at", Timestamp.SCHEMA).build();
      RowConverter oneColumn = new RowConverter(
          SchemaMapping.tableSchema(one, PartitionSpec.unpartitioned(), false),
          PartitionSpec.unpartitioned(), false);
      org.apache.kafka.connect.data.Struct value = new org.apache.kafka.connect.data.Struct(one)
          .put("at", new java.util.Date(millis));
      DataException overflow = assertThrows(DataException.class, () -> oneColumn.convert(
          new SinkRecord("t", 0, null, null, one, value, 1)));
      assertTrue(overflow.getMessage().contains("'at'"), overflow.getMessage());
    }
  }

  @Test
  void refusesTablesFromNonStructValuesAndUnknownPartitionColumns() {
    assertThrows(DataException.class,
        () -> SchemaMapping.tableSchema(Schema.STRING_SCHEMA, PartitionSpec.unpartitioned(), false));
    PartitionSpec spec = PartitionSpec.parse(List.of("missing"), List.of(), ZoneId.of("UTC"));
    DataException e = assertThrows(DataException.class, () -> SchemaMapping.tableSchema(ALL, spec, false));
    assertTrue(e.getMessage().contains("'missing'"));
  }

  @Test
  void microsecondTimestampsKeepTheirMicrosAndPartitionByTheirDay() {
    Schema micros = SchemaBuilder.int64().name(LogicalNames.TIMESTAMP_MICROS).build();
    Schema schema = SchemaBuilder.struct().name("M").field("at", micros).build();
    PartitionSpec spec = PartitionSpec.parse(List.of("day"), List.of("day=date(at)"),
        ZoneId.of("UTC"));
    StructType t = SchemaMapping.tableSchema(schema, spec, false);
    assertEquals(TimestampType.TIMESTAMP, t.get("at").getDataType());
    long at = 1_764_287_999_999_999L; // 2025-11-27T23:59:59.999999Z
    Object[] row = new RowConverter(t, spec, false)
        .convert(new SinkRecord("t", 0, null, null, schema, new Struct(schema).put("at", at), 1));
    assertEquals(at, row[t.indexOf("at")], "micros kept, not truncated to millis");
    assertEquals((int) java.time.LocalDate.of(2025, 11, 27).toEpochDay(), row[t.indexOf("day")]);
  }
}
