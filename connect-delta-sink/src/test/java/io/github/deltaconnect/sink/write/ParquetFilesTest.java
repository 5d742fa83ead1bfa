package io.github.deltaconnect.sink.write;

import static io.github.deltaconnect.sink.testing.RandomValues.attrs;
import static io.github.deltaconnect.sink.testing.RandomValues.bytes;
import static io.github.deltaconnect.sink.testing.RandomValues.maybe;
import static io.github.deltaconnect.sink.testing.RandomValues.tags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.defaults.engine.hadoopio.HadoopFileIO;
import io.delta.kernel.defaults.internal.parquet.ParquetStatsReader;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.statistics.DataFileStatistics;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import io.delta.kernel.utils.FileStatus;
import io.github.deltaconnect.sink.buffer.RecordBuffer;
import io.github.deltaconnect.sink.storage.LocalFileSystem;
import io.github.deltaconnect.sink.storage.TaskFileSystems;
import io.github.deltaconnect.sink.testing.TableReader;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.common.TopicPartition;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetFilesTest {
  private static final TopicPartition TP = new TopicPartition("t", 0);
  private static final StructType ADDRESS = new StructType()
      .add("city", StringType.STRING).add("zip", IntegerType.INTEGER);
  private static final StructType ALL = new StructType()
      .add("b", BooleanType.BOOLEAN).add("i8", ByteType.BYTE).add("i16", ShortType.SHORT)
      .add("i32", IntegerType.INTEGER).add("i64", LongType.LONG).add("f32", FloatType.FLOAT)
      .add("f64", DoubleType.DOUBLE).add("day", DateType.DATE).add("at", TimestampType.TIMESTAMP)
      .add("local", TimestampNTZType.TIMESTAMP_NTZ)
      .add("text", StringType.STRING).add("blob", BinaryType.BINARY)
      .add("small", new DecimalType(9, 2)).add("mid", new DecimalType(18, 3))
      .add("big", new DecimalType(30, 4))
      .add("address", ADDRESS)
      .add("tags", new ArrayType(StringType.STRING, true))
      .add("attrs", new MapType(StringType.STRING, LongType.LONG, true))
      .add("id", StringType.STRING, false);

  @TempDir
  Path dir;

  private Configuration conf() {
    Configuration conf = new Configuration();
    LocalFileSystem.install(conf);
    return conf;
  }

  /** A random row in RowConverter's form; about a fifth of the nullable values are null. */
  private static Object[] row(Random r, int i) {
    return new Object[] {
        maybe(r, r.nextBoolean()), maybe(r, (byte) r.nextInt()), maybe(r, (short) r.nextInt()),
        maybe(r, r.nextInt()), maybe(r, r.nextLong()), maybe(r, r.nextFloat()),
        maybe(r, r.nextGaussian()), maybe(r, r.nextInt(30_000)), maybe(r, r.nextLong() >> 8),
        maybe(r, r.nextLong() >> 8),
        maybe(r, "zażółć-" + "a".repeat(r.nextInt(40)) + i), maybe(r, bytes(r)),
        maybe(r, BigDecimal.valueOf(r.nextInt(1_000_000_000) - 500_000_000, 2)),
        maybe(r, BigDecimal.valueOf(r.nextLong() / 10, 3)),
        maybe(r, new BigDecimal(BigInteger.valueOf(r.nextLong())
            .multiply(BigInteger.valueOf(r.nextInt(1_000_000))), 4)),
        maybe(r, new Object[] {maybe(r, "Kraków " + (i % 50)), maybe(r, r.nextInt())}),
        maybe(r, tags(r)), maybe(r, attrs(r)), "id-" + i};
  }

  private static ColumnarBatch batch(StructType schema, List<Object[]> rows) {
    RecordBuffer buffer = new RecordBuffer();
    for (int i = 0; i < rows.size(); i++) {
      buffer.add(TP, i, List.of(), schema, rows.get(i), 0);
    }
    return buffer.batches().get(List.of());
  }

  private static List<Object[]> rows(int count) {
    Random random = new Random(7);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(row(random, i));
    }
    return rows;
  }

  /** Every leaf outside lists and maps, as Kernel lists statistics columns. */
  private static List<Column> leaves(StructType schema, List<String> prefix) {
    List<Column> out = new ArrayList<>();
    for (StructField f : schema.fields()) {
      List<String> path = new ArrayList<>(prefix);
      path.add(f.getName());
      if (f.getDataType() instanceof StructType st) {
        out.addAll(leaves(st, path));
      } else if (!(f.getDataType() instanceof ArrayType || f.getDataType() instanceof MapType)) {
        out.add(new Column(path.toArray(String[]::new)));
      }
    }
    return out;
  }

  private List<List<Object>> readBack(List<DataFileStatus> files, StructType schema)
      throws IOException {
    DefaultEngine engine = DefaultEngine.create(conf());
    List<List<Object>> out = new ArrayList<>();
    for (DataFileStatus f : files) {
      try (CloseableIterator<ColumnarBatch> data = engine.getParquetHandler()
          .readParquetFiles(single(FileStatus.of(f.getPath(), f.getSize(), 0)), schema,
              Optional.empty())
          .map(FileReadResult::getData)) {
        while (data.hasNext()) {
          ColumnarBatch b = data.next();
          for (int r = 0; r < b.getSize(); r++) {
            List<Object> row = new ArrayList<>();
            for (int c = 0; c < schema.length(); c++) {
              row.add(TableReader.comparable(TableReader.value(b.getColumnVector(c),
                  schema.at(c).getDataType(), r)));
            }
            out.add(row);
          }
        }
      }
    }
    return out;
  }

  private static List<List<Object>> expected(List<Object[]> rows, StructType schema) {
    ColumnarBatch b = batch(schema, rows);
    List<List<Object>> out = new ArrayList<>();
    for (int r = 0; r < b.getSize(); r++) {
      List<Object> row = new ArrayList<>();
      for (int c = 0; c < schema.length(); c++) {
        row.add(TableReader.comparable(
            TableReader.value(b.getColumnVector(c), schema.at(c).getDataType(), r)));
      }
      out.add(row);
    }
    return out;
  }

  private static <T> CloseableIterator<T> single(T value) {
    return Iterators.closeable(List.of(value).iterator());
  }

  @Test
  void everyTypeReadsBackThroughKernelsParquetReader() throws IOException {
    List<Object[]> rows = rows(5_000);
    List<DataFileStatus> files = new ParquetFiles(new TaskFileSystems(conf()))
        .write(dir.toUri().toString(), batch(ALL, rows), leaves(ALL, List.of()));
    assertEquals(1, files.size());
    assertEquals(new File(dir.toFile(), new org.apache.hadoop.fs.Path(files.get(0).getPath())
        .getName()).length(), files.get(0).getSize(), "recorded size is the file's");
    assertEquals(expected(rows, ALL), readBack(files, ALL));
  }

  @Test
  void statisticsFromTheWrittenFooterEqualKernelsReadOfTheFile() throws IOException {
    List<Object[]> rows = rows(5_000);
    rows.add(new Object[ALL.length()]); // a row of nulls (the id excepted)
    rows.get(rows.size() - 1)[ALL.indexOf("id")] = "id-last";
    List<Column> stats = leaves(ALL, List.of());
    Configuration conf = conf();
    conf.setInt("parquet.block.size", 64 * 1024); // several row groups to merge
    List<DataFileStatus> files = new ParquetFiles(new TaskFileSystems(conf))
        .write(dir.toUri().toString(), batch(ALL, rows), stats);
    DataFileStatus file = files.get(0);
    DataFileStatistics kernels = ParquetStatsReader.readDataFileStatistics(
        new HadoopFileIO(conf).newInputFile(file.getPath(), file.getSize()), ALL, stats);
    DataFileStatistics ours = file.getStatistics().orElseThrow();
    assertEquals(5_001, ours.getNumRecords());
    assertEquals(kernels.getNullCount(), ours.getNullCount());
    assertEquals(values(kernels.getMinValues()), values(ours.getMinValues()));
    assertEquals(values(kernels.getMaxValues()), values(ours.getMaxValues()));
    assertEquals(stats.size(), ours.getMinValues().size(), "every column has bounds");
    assertTrue(ours.getMinValues().containsKey(new Column(new String[] {"address", "city"})));
    assertTrue(footer(file).getBlocks().size() > 1, "the file has several row groups");
  }

  @Test
  void aColumnOfDistinctValuesIsWrittenWithoutADictionaryAndARepeatingOneWithIt()
      throws IOException {
    StructType schema = new StructType().add("id", StringType.STRING)
        .add("ts", LongType.LONG).add("region", StringType.STRING)
        .add("session", StringType.STRING).add("device", new StructType()
            .add("model", StringType.STRING).add("serial", LongType.LONG))
        .add("trace", StringType.STRING);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      // trace: 15,000 long values, a third used twice. Parquet alone would keep its dictionary
      // (it fits the page and compresses); the sample says most values do not repeat.
      rows.add(new Object[] {"event-" + i * 7919L, 1_700_000_000_000L + i, "r" + i % 4,
          "s-" + i / 20, new Object[] {"model-" + i % 97, 900_000_000L + i},
          String.format("trace-%034d", i % 15_000)});
    }
    List<DataFileStatus> files = new ParquetFiles(new TaskFileSystems(conf()))
        .write(dir.toUri().toString(), batch(schema, rows), List.of());
    Map<String, Boolean> dictionary = new LinkedHashMap<>();
    for (ColumnChunkMetaData c : footer(files.get(0)).getBlocks().get(0).getColumns()) {
      dictionary.put(c.getPath().toDotString(), c.getEncodings().stream()
          .anyMatch(e -> e == Encoding.PLAIN_DICTIONARY || e == Encoding.RLE_DICTIONARY));
    }
    assertEquals(Map.of("id", false, "ts", false, "region", true, "session", true,
        "device.model", true, "device.serial", false, "trace", false), dictionary);
    assertEquals(expected(rows, schema), readBack(files, schema));
  }

  @Test
  void dictionaryEncodingSwitchedOffInTheSettingsStaysOff() throws IOException {
    StructType schema = new StructType().add("region", StringType.STRING);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      rows.add(new Object[] {"r" + i % 4});
    }
    Configuration conf = conf();
    conf.setBoolean("parquet.enable.dictionary", false);
    List<DataFileStatus> files = new ParquetFiles(new TaskFileSystems(conf))
        .write(dir.toUri().toString(), batch(schema, rows), List.of());
    assertFalse(footer(files.get(0)).getBlocks().get(0).getColumns().get(0).getEncodings()
        .stream().anyMatch(e -> e == Encoding.PLAIN_DICTIONARY || e == Encoding.RLE_DICTIONARY));
  }

  @Test
  void filesRollAtTheTargetSizeAndTogetherHoldEveryRowOnce() throws IOException {
    List<Object[]> rows = rows(30_000);
    Configuration conf = conf();
    conf.setLong(ParquetFiles.TARGET_FILE_SIZE, 256 * 1024);
    conf.setInt("parquet.block.size", 128 * 1024);
    List<DataFileStatus> files = new ParquetFiles(new TaskFileSystems(conf))
        .write(dir.toUri().toString(), batch(ALL, rows), leaves(ALL, List.of()));
    assertTrue(files.size() > 2, files.size() + " files");
    assertEquals(30_000, files.stream()
        .mapToLong(f -> f.getStatistics().orElseThrow().getNumRecords()).sum());
    assertEquals(expected(rows, ALL), readBack(files, ALL));
  }

  @Test
  void aRowThatCannotBeWrittenLeavesNoFileBehind() throws IOException {
    StructType schema = new StructType().add("price", new DecimalType(9, 2));
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      rows.add(new Object[] {BigDecimal.valueOf(i, 2)});
    }
    rows.add(new Object[] {new BigDecimal("1.234")}); // would need rounding to scale 2
    ColumnarBatch batch = batch(schema, rows);
    assertThrows(ArithmeticException.class, () -> new ParquetFiles(new TaskFileSystems(conf()))
        .write(dir.toUri().toString(), batch, List.of()));
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(), left.toList());
    }
  }

  private static Map<Column, Object> values(Map<Column, Literal> literals) {
    Map<Column, Object> out = new LinkedHashMap<>();
    literals.forEach((c, l) -> out.put(c, TableReader.comparable(l.getValue())));
    return out;
  }

  private org.apache.parquet.hadoop.metadata.ParquetMetadata footer(DataFileStatus file)
      throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
        new org.apache.hadoop.fs.Path(file.getPath()), conf()))) {
      return reader.getFooter();
    }
  }

  @Test
  void theSampleTellsDistinctFromRepeatingValues() {
    assertFalse(worthIt(100_000, i -> "unique-" + i));
    assertTrue(worthIt(100_000, i -> "tenant-" + i % 100));
    // 10,000 short values over 100,000 rows: a 130 KB dictionary, each value used ten times
    assertTrue(worthIt(100_000, i -> "s-" + (i * 7_919L) % 10_000));
    // 60,000 values of 30 bytes do not fit a 1 MiB dictionary page
    assertFalse(worthIt(100_000, i -> "a-much-longer-value-" + (i * 7_919L) % 60_000));
  }

  private static boolean worthIt(int rows, java.util.function.IntFunction<String> value) {
    StructType schema = new StructType().add("v", StringType.STRING);
    List<Object[]> values = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      values.add(new Object[] {value.apply(i)});
    }
    return Cardinality.worthIt(StringType.STRING, batch(schema, values).getColumnVector(0), rows,
        1024 * 1024);
  }
}
