package io.github.deltaconnect.sink.write;

import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.statistics.DataFileStatistics;
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
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.parquet.column.statistics.BinaryStatistics;
import org.apache.parquet.column.statistics.IntStatistics;
import org.apache.parquet.column.statistics.LongStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;

/**
 * A written file's Delta statistics (row count; per column min, max and null count) from the
 * footer Parquet just wrote, still in memory: no second read of the file, which on object storage
 * would be another request per file. A column whose statistics a row group lacks gets none, as
 * Kernel does, so readers never skip a file on a bound that was not recorded.
 */
final class FileStats {
  private FileStats() {}

  static DataFileStatistics of(ParquetMetadata footer, StructType fileSchema,
      List<Column> statsColumns) {
    long rows = 0;
    Map<List<String>, List<ColumnChunkMetaData>> chunks = new HashMap<>();
    for (BlockMetaData block : footer.getBlocks()) {
      rows += block.getRowCount();
      for (ColumnChunkMetaData chunk : block.getColumns()) {
        chunks.computeIfAbsent(Arrays.asList(chunk.getPath().toArray()), k -> new ArrayList<>())
            .add(chunk);
      }
    }
    Map<Column, Literal> min = new HashMap<>();
    Map<Column, Literal> max = new HashMap<>();
    Map<Column, Long> nulls = new HashMap<>();
    for (Column column : statsColumns) {
      DataType type = typeOf(fileSchema, column.getNames());
      Statistics<?> stats = merged(chunks.get(Arrays.asList(column.getNames())));
      if (type == null || stats == null || !supported(type)) {
        continue;
      }
      nulls.put(column, stats.getNumNulls());
      if (stats.getNumNulls() == rows) {
        min.put(column, Literal.ofNull(type));
        max.put(column, Literal.ofNull(type));
        continue;
      }
      Literal low = literal(type, stats, true);
      Literal high = literal(type, stats, false);
      if (low != null && high != null) {
        min.put(column, low);
        max.put(column, high);
      }
    }
    return new DataFileStatistics(rows, min, max, nulls, Optional.empty());
  }

  /** The row groups' statistics merged, or null when any row group has none usable. */
  private static Statistics<?> merged(List<ColumnChunkMetaData> chunks) {
    if (chunks == null) {
      return null;
    }
    Statistics<?> out = null;
    for (ColumnChunkMetaData chunk : chunks) {
      Statistics<?> s = chunk.getStatistics();
      if (s == null || s.isEmpty() || !s.isNumNullsSet()
          // NaN makes Parquet drop min/max while values exist (PARQUET-1246)
          || (!s.hasNonNullValue() && s.getNumNulls() != chunk.getValueCount())) {
        return null;
      }
      if (out == null) {
        out = s.copy();
      } else {
        out.mergeStatistics(s);
      }
    }
    return out;
  }

  /** The type of the nested field at {@code path}, or null when the schema has no such field. */
  static DataType typeOf(StructType schema, String[] path) {
    DataType type = schema;
    for (String name : path) {
      if (!(type instanceof StructType st) || st.indexOf(name) < 0) {
        return null;
      }
      type = st.at(st.indexOf(name)).getDataType();
    }
    return type;
  }

  private static boolean supported(DataType type) {
    return type instanceof BooleanType || type instanceof ByteType || type instanceof ShortType
        || type instanceof IntegerType || type instanceof LongType || type instanceof FloatType
        || type instanceof DoubleType || type instanceof DecimalType || type instanceof DateType
        || type instanceof TimestampType || type instanceof TimestampNTZType
        || type instanceof StringType || type instanceof BinaryType;
  }

  private static Literal literal(DataType type, Statistics<?> stats, boolean min) {
    Object value = min ? stats.genericGetMin() : stats.genericGetMax();
    if (value == null) {
      return null;
    }
    if (type instanceof BooleanType) {
      return Literal.ofBoolean((Boolean) value);
    }
    if (type instanceof ByteType) {
      return Literal.ofByte(((Number) value).byteValue());
    }
    if (type instanceof ShortType) {
      return Literal.ofShort(((Number) value).shortValue());
    }
    if (type instanceof IntegerType) {
      return Literal.ofInt(((Number) value).intValue());
    }
    if (type instanceof LongType) {
      return Literal.ofLong(((Number) value).longValue());
    }
    if (type instanceof FloatType) {
      return Literal.ofFloat(((Number) value).floatValue());
    }
    if (type instanceof DoubleType) {
      return Literal.ofDouble(((Number) value).doubleValue());
    }
    if (type instanceof DateType) {
      return Literal.ofDate((Integer) value); // days since the epoch
    }
    if (type instanceof TimestampType) {
      return Literal.ofTimestamp((Long) value); // microseconds
    }
    if (type instanceof TimestampNTZType) {
      return Literal.ofTimestampNtz((Long) value);
    }
    if (type instanceof DecimalType d) {
      BigDecimal decimal;
      if (stats instanceof IntStatistics || stats instanceof LongStatistics) {
        decimal = BigDecimal.valueOf(((Number) value).longValue(), d.getScale());
      } else if (stats instanceof BinaryStatistics) {
        decimal = new BigDecimal(new BigInteger(min ? stats.getMinBytes() : stats.getMaxBytes()),
            d.getScale());
      } else {
        return null;
      }
      return Literal.ofDecimal(decimal, d.getPrecision(), d.getScale());
    }
    byte[] bytes = min ? stats.getMinBytes() : stats.getMaxBytes();
    return type instanceof StringType
        ? Literal.ofString(new String(bytes, StandardCharsets.UTF_8))
        : Literal.ofBinary(bytes);
  }
}
