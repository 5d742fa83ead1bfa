package io.github.deltaconnect.sink.buffer;

import static io.github.deltaconnect.sink.testing.RandomValues.attrs;
import static io.github.deltaconnect.sink.testing.RandomValues.bytes;
import static io.github.deltaconnect.sink.testing.RandomValues.maybe;
import static io.github.deltaconnect.sink.testing.RandomValues.tags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
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
import io.github.deltaconnect.sink.testing.TableReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class RecordBufferTest {
  private static final TopicPartition TP = new TopicPartition("t", 0);
  private static final StructType ADDRESS = new StructType()
      .add("city", StringType.STRING).add("zip", IntegerType.INTEGER);
  private static final StructType ALL = new StructType()
      .add("b", BooleanType.BOOLEAN).add("i8", ByteType.BYTE).add("i16", ShortType.SHORT)
      .add("i32", IntegerType.INTEGER).add("i64", LongType.LONG).add("f32", FloatType.FLOAT)
      .add("f64", DoubleType.DOUBLE).add("day", DateType.DATE).add("at", TimestampType.TIMESTAMP)
      .add("text", StringType.STRING).add("blob", BinaryType.BINARY)
      .add("price", new DecimalType(10, 2)).add("address", ADDRESS)
      .add("tags", new ArrayType(StringType.STRING, true))
      .add("attrs", new MapType(StringType.STRING, LongType.LONG, true))
      .add("region", StringType.STRING);

  /** A random row in RowConverter's form; about a fifth of the values are null. */
  private static Object[] row(Random r, int i) {
    return new Object[] {
        maybe(r, r.nextBoolean()), maybe(r, (byte) r.nextInt()), maybe(r, (short) r.nextInt()),
        maybe(r, r.nextInt()), maybe(r, r.nextLong()), maybe(r, r.nextFloat()),
        maybe(r, r.nextGaussian()), maybe(r, r.nextInt(30_000)), maybe(r, r.nextLong()),
        maybe(r, i == 5_000 ? "x".repeat(100_000) : "zażółć-" + "a".repeat(r.nextInt(80)) + i),
        maybe(r, bytes(r)), maybe(r, BigDecimal.valueOf(r.nextInt(), 2)),
        maybe(r, new Object[] {maybe(r, "Kraków " + i), maybe(r, r.nextInt())}),
        maybe(r, tags(r)), maybe(r, attrs(r)), i % 3 == 0 ? "eu" : "us"};
  }

  @Test
  void everyValueReadsBackFromTheColumnsAcrossChunksNullsAndNesting() {
    Random random = new Random(42);
    RecordBuffer buffer = new RecordBuffer();
    Map<List<Object>, List<Object[]>> expected = new LinkedHashMap<>();
    for (int i = 0; i < 12_000; i++) { // several 4096-value chunks per bucket, and a 100 KB string
      Object[] row = row(random, i);
      List<Object> key = Arrays.asList(row[15]);
      buffer.add(TP, i, key, ALL, row, 0);
      expected.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
    }
    assertEquals(12_000, buffer.records());
    Map<List<Object>, ColumnarBatch> batches = buffer.batches();
    assertEquals(expected.keySet(), batches.keySet());
    expected.forEach((key, rows) -> {
      ColumnarBatch batch = batches.get(key);
      assertEquals(rows.size(), batch.getSize());
      for (int c = 0; c < ALL.length(); c++) {
        ColumnVector column = batch.getColumnVector(c);
        for (int i = 0; i < rows.size(); i++) {
          DataType type = ALL.at(c).getDataType();
          assertEquals(expected(rows.get(i)[c], type),
              TableReader.comparable(TableReader.value(column, type, i)),
              "column " + ALL.at(c).getName() + " row " + i);
        }
      }
    });
  }

  @Test
  void bytesAreWhatTheColumnsAllocateCloseToThePayload() {
    StructType schema = new StructType().add("id", LongType.LONG).add("text", StringType.STRING);
    RecordBuffer buffer = new RecordBuffer();
    String text = "e".repeat(100);
    for (int i = 0; i < 100_000; i++) {
      buffer.add(TP, i, List.of(), schema, new Object[] {(long) i, text}, 0);
    }
    long payload = 100_000L * (8 + 100 + 16); // the long, the UTF-8 text, its address and length
    assertTrue(buffer.bytes() >= payload, buffer.bytes() + " < " + payload);
    assertTrue(buffer.bytes() < payload * 1.1, buffer.bytes() + " much more than " + payload);

    RecordBuffer small = new RecordBuffer();
    for (int i = 0; i < 100; i++) { // a hundred table partitions with one row each
      small.add(TP, i, List.of(i), schema, new Object[] {(long) i, "x"}, 0);
    }
    assertTrue(small.bytes() < 100 * 1_024, "a one-row bucket holds " + small.bytes() / 100 + " B");
  }

  @Test
  void rowsOfAnotherSchemaNeedANewBuffer() {
    StructType one = new StructType().add("id", LongType.LONG);
    StructType two = new StructType().add("id", LongType.LONG).add("x", StringType.STRING);
    RecordBuffer buffer = new RecordBuffer();
    buffer.add(TP, 0, List.of(), one, new Object[] {1L}, 0);
    assertThrows(IllegalStateException.class,
        () -> buffer.add(TP, 1, List.of(), two, new Object[] {2L, "a"}, 0));
  }

  /** A buffered value as TableReader reads it back: structs as maps by field name. */
  private static Object expected(Object v, DataType type) {
    if (v instanceof Object[] fields && type instanceof StructType st) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < st.length(); i++) {
        m.put(st.at(i).getName(), expected(fields[i], st.at(i).getDataType()));
      }
      return m;
    }
    if (v instanceof List<?> list && type instanceof ArrayType at) {
      return list.stream().map(e -> expected(e, at.getElementType())).toList();
    }
    return TableReader.comparable(v);
  }
}
