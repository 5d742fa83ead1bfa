package io.github.deltaconnect.sink.write;

import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.MapValue;
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
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.github.deltaconnect.sink.buffer.ByteSlices;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Hands Parquet one row of a {@link ColumnarBatch} at a time (the row index is the record), with a
 * value writer per column chosen once from the batch's schema. Buffered strings go to the encoder
 * as slices of the arrays they are buffered in ({@link ByteSlices}), not as a copy per value.
 */
final class RowWriter extends WriteSupport<Integer> {
  private final MessageType fileSchema;
  private final Field[] fields;
  private RecordConsumer out;

  RowWriter(ColumnarBatch batch, MessageType fileSchema) {
    this.fileSchema = fileSchema;
    StructType schema = batch.getSchema();
    this.fields = new Field[schema.length()];
    for (int i = 0; i < fields.length; i++) {
      fields[i] = new Field(schema.at(i).getName(), i,
          value(schema.at(i).getDataType(), batch.getColumnVector(i)));
    }
  }

  @Override
  public String getName() {
    return "kafka-connect-delta-sink";
  }

  @Override
  public WriteContext init(Configuration configuration) {
    return new WriteContext(fileSchema, Map.of());
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.out = recordConsumer;
  }

  @Override
  public void write(Integer row) {
    out.startMessage();
    writeFields(fields, out, row);
    out.endMessage();
  }

  /** A group (a struct, or one entry of a list or map) holding {@code fields}. */
  private static void writeGroup(Field[] fields, RecordConsumer out, int row) {
    out.startGroup();
    writeFields(fields, out, row);
    out.endGroup();
  }

  /** Each field that is not null in {@code row}; a null field is left out, as Parquet expects. */
  private static void writeFields(Field[] fields, RecordConsumer out, int row) {
    for (Field f : fields) {
      if (!f.value.vector.isNullAt(row)) {
        out.startField(f.name, f.index);
        f.value.write(out, row);
        out.endField(f.name, f.index);
      }
    }
  }

  private record Field(String name, int index, Value value) {}

  /** Writes a non-null value of one column. */
  private abstract static class Value {
    final ColumnVector vector;

    Value(ColumnVector vector) {
      this.vector = vector;
    }

    abstract void write(RecordConsumer out, int row);
  }

  private static Value value(DataType type, ColumnVector v) {
    if (type instanceof BooleanType) {
      return new Value(v) {
        @Override
        void write(RecordConsumer out, int row) {
          out.addBoolean(vector.getBoolean(row));
        }
      };
    }
    if (type instanceof ByteType) {
      return new Value(v) {
        @Override
        void write(RecordConsumer out, int row) {
          out.addInteger(vector.getByte(row));
        }
      };
    }
    if (type instanceof ShortType) {
      return new Value(v) {
        @Override
        void write(RecordConsumer out, int row) {
          out.addInteger(vector.getShort(row));
        }
      };
    }
    if (type instanceof IntegerType || type instanceof DateType) {
      return new Value(v) {
        @Override
        void write(RecordConsumer out, int row) {
          out.addInteger(vector.getInt(row));
        }
      };
    }
    if (type instanceof LongType || type instanceof TimestampType
        || type instanceof TimestampNTZType) {
      return new Value(v) {
        @Override
        void write(RecordConsumer out, int row) {
          out.addLong(vector.getLong(row));
        }
      };
    }
    if (type instanceof FloatType) {
      return new Value(v) {
        @Override
        void write(RecordConsumer out, int row) {
          out.addFloat(vector.getFloat(row));
        }
      };
    }
    if (type instanceof DoubleType) {
      return new Value(v) {
        @Override
        void write(RecordConsumer out, int row) {
          out.addDouble(vector.getDouble(row));
        }
      };
    }
    if (type instanceof StringType || type instanceof BinaryType) {
      return bytes(type, v);
    }
    if (type instanceof DecimalType d) {
      return decimal(d, v);
    }
    if (type instanceof StructType s) {
      Field[] children = new Field[s.length()];
      for (int i = 0; i < children.length; i++) {
        children[i] = new Field(s.at(i).getName(), i,
            value(s.at(i).getDataType(), v.getChild(i)));
      }
      return new Value(v) {
        @Override
        void write(RecordConsumer out, int row) {
          writeGroup(children, out, row);
        }
      };
    }
    if (type instanceof ArrayType a) {
      return new Value(v) {
        @Override
        void write(RecordConsumer out, int row) {
          // Three levels: <list> { repeated list { element } }; an empty list has no "list" field.
          ArrayValue array = vector.getArray(row);
          out.startGroup();
          if (array.getSize() > 0) {
            Field[] entry = {new Field("element", 0,
                value(a.getElementType(), array.getElements()))};
            out.startField("list", 0);
            for (int i = 0; i < array.getSize(); i++) {
              writeGroup(entry, out, i);
            }
            out.endField("list", 0);
          }
          out.endGroup();
        }
      };
    }
    if (type instanceof MapType m) {
      return new Value(v) {
        @Override
        void write(RecordConsumer out, int row) {
          MapValue map = vector.getMap(row);
          out.startGroup();
          if (map.getSize() > 0) {
            // Keys are never null (Delta map keys are required); null values are left out.
            Field[] entry = {new Field("key", 0, value(m.getKeyType(), map.getKeys())),
                new Field("value", 1, value(m.getValueType(), map.getValues()))};
            out.startField("key_value", 0);
            for (int i = 0; i < map.getSize(); i++) {
              writeGroup(entry, out, i);
            }
            out.endField("key_value", 0);
          }
          out.endGroup();
        }
      };
    }
    throw new UnsupportedOperationException("Cannot write " + type + " to Parquet");
  }

  private static Value bytes(DataType type, ColumnVector v) {
    if (v instanceof ByteSlices slices) {
      // The buffer's arrays are not written to again while the file is written, so the encoder
      // (and its dictionary) may keep the slices.
      return new Value(v) {
        @Override
        void write(RecordConsumer out, int row) {
          out.addBinary(Binary.fromConstantByteArray(slices.array(row), slices.offset(row),
              slices.length(row)));
        }
      };
    }
    return new Value(v) {
      @Override
      void write(RecordConsumer out, int row) {
        out.addBinary(Binary.fromConstantByteArray(bytesOf(type, vector, row)));
      }
    };
  }

  /** A string's UTF-8 or a binary value, from a vector that is not a buffer's (a copy). */
  static byte[] bytesOf(DataType type, ColumnVector vector, int row) {
    return type instanceof StringType
        ? vector.getString(row).getBytes(StandardCharsets.UTF_8) : vector.getBinary(row);
  }

  private static Value decimal(DecimalType type, ColumnVector v) {
    int precision = type.getPrecision();
    if (precision <= ParquetSchema.MAX_DIGITS_IN_INT) {
      return new Value(v) {
        @Override
        void write(RecordConsumer out, int row) {
          out.addInteger(unscaled(vector.getDecimal(row), type).intValueExact());
        }
      };
    }
    if (precision <= ParquetSchema.MAX_DIGITS_IN_LONG) {
      return new Value(v) {
        @Override
        void write(RecordConsumer out, int row) {
          out.addLong(unscaled(vector.getDecimal(row), type).longValueExact());
        }
      };
    }
    int width = ParquetSchema.decimalBytes(precision);
    return new Value(v) {
      @Override
      void write(RecordConsumer out, int row) {
        // Big-endian two's complement, sign-extended to the column's fixed width.
        byte[] b = unscaled(vector.getDecimal(row), type).toByteArray();
        byte[] fixed = new byte[width];
        Arrays.fill(fixed, 0, width - b.length, b[0] < 0 ? (byte) -1 : 0);
        System.arraycopy(b, 0, fixed, width - b.length, b.length);
        out.addBinary(Binary.fromConstantByteArray(fixed));
      }
    };
  }

  /**
   * The decimal's digits at the column's scale (the converter already rescaled it; a value that
   * would need rounding fails here rather than being written wrong).
   */
  private static BigInteger unscaled(BigDecimal d, DecimalType type) {
    return (d.scale() == type.getScale() ? d : d.setScale(type.getScale())).unscaledValue();
  }
}
