package io.github.deltaconnect.contract.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * Random valid datums for any Avro schema, in the form {@code GenericDatumWriter} writes. Each
 * datum gets a budget of collection items and non-null union branches, so recursive schemas end.
 */
public final class RandomDatums {
  private static final String[] TEXTS = {"", "a", "Zürich", "東京", "🙂", "line\nbreak", "\u0000"};

  private final Random random;
  private final int budgetPerDatum;
  private int budget;

  public RandomDatums(Random random, int budgetPerDatum) {
    this.random = random;
    this.budgetPerDatum = budgetPerDatum;
  }

  public Object next(Schema schema) {
    budget = budgetPerDatum;
    return datum(schema);
  }

  private Object datum(Schema schema) {
    return switch (schema.getType()) {
      case RECORD -> {
        GenericData.Record record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
          record.put(field.pos(), datum(field.schema()));
        }
        yield record;
      }
      case ENUM -> new GenericData.EnumSymbol(schema,
          schema.getEnumSymbols().get(random.nextInt(schema.getEnumSymbols().size())));
      case ARRAY -> {
        List<Object> items = new ArrayList<>();
        for (int n = size(); n > 0; n--) {
          items.add(datum(schema.getElementType()));
        }
        yield items;
      }
      case MAP -> {
        Map<String, Object> entries = new HashMap<>();
        for (int n = size(); n > 0; n--) {
          entries.put(string(), datum(schema.getValueType()));
        }
        yield entries;
      }
      case UNION -> datum(branch(schema.getTypes()));
      case FIXED -> new GenericData.Fixed(schema, bytes(schema.getFixedSize()));
      case STRING -> string();
      case BYTES -> ByteBuffer.wrap(bytes(random.nextInt(17)));
      case INT -> random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(200) - 100;
      case LONG -> random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(2000) - 1000L;
      case FLOAT -> random.nextInt(10) == 0 ? Float.NaN : random.nextFloat() * 1000;
      case DOUBLE -> random.nextInt(10) == 0 ? Double.NEGATIVE_INFINITY : random.nextGaussian();
      case BOOLEAN -> random.nextBoolean();
      case NULL -> null;
    };
  }

  /** Up to three items while the budget lasts. */
  private int size() {
    int n = Math.min(random.nextInt(4), budget);
    budget -= n;
    return n;
  }

  /** A random branch; null (when the union has it) once the budget is spent. */
  private Schema branch(List<Schema> branches) {
    if (budget <= 0) {
      for (Schema b : branches) {
        if (b.getType() == Schema.Type.NULL) {
          return b;
        }
      }
    }
    budget--;
    return branches.get(random.nextInt(branches.size()));
  }

  private String string() {
    return random.nextBoolean() ? TEXTS[random.nextInt(TEXTS.length)]
        : new String(bytes(random.nextInt(12)), StandardCharsets.ISO_8859_1);
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
