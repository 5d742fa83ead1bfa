package io.github.deltaconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.deltaconnect.sink.testing.TableReader;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Checks a table, read back through an independent Delta reader, against what was produced. */
final class Tables {
  private Tables() {}

  static String uri(Path table) {
    return table.toUri().toString();
  }

  /** Waits until the table stores offset {@code last} for every partition of the topic. */
  static void awaitStoredOffsets(java.util.function.Supplier<TableReader> table, String connector,
      String topic, int partitions, long last) throws Exception {
    long[] each = new long[partitions];
    java.util.Arrays.fill(each, last);
    awaitStoredOffsets(table, connector, topic, each);
  }

  static void awaitStoredOffsets(Path table, String connector, String topic, int partitions,
      long last) throws Exception {
    awaitStoredOffsets(() -> new TableReader(uri(table)), connector, topic, partitions, last);
  }

  /** Waits until the table stores, for each partition p of the topic, offset {@code last[p]}. */
  static void awaitStoredOffsetsPerPartition(Path table, String connector, String topic,
      long... last) throws Exception {
    awaitStoredOffsets(() -> new TableReader(uri(table)), connector, topic, last);
  }

  private static void awaitStoredOffsets(java.util.function.Supplier<TableReader> table,
      String connector, String topic, long[] last) throws Exception {
    Waits.until(java.time.Duration.ofMinutes(3), () -> {
      TableReader reader = table.get();
      for (int p = 0; p < last.length; p++) {
        String json = reader.domain("kafka.offsets." + connector + "." + topic + "." + p).orElse(null);
        if (json == null || !json.contains("\"offset\":" + last[p] + ",")) {
          return null;
        }
      }
      return Boolean.TRUE;
    }, connector + " never stored offsets " + java.util.Arrays.toString(last) + " for " + topic);
  }

  /** Every good event exactly once, each row's values as generated, and nothing else. */
  static void assertExactlyOnce(Path table, List<String> expectedIds) {
    assertExactlyOnce(new TableReader(uri(table)), expectedIds);
  }

  static void assertExactlyOnce(TableReader reader, List<String> expectedIds) {
    List<Map<String, Object>> rows = reader.rows();
    Map<String, Long> counts = rows.stream()
        .collect(Collectors.groupingBy(r -> String.valueOf(r.get("event_id")), TreeMap::new,
            Collectors.counting()));
    List<String> duplicates = counts.entrySet().stream().filter(e -> e.getValue() > 1)
        .map(Map.Entry::getKey).toList();
    List<String> missing = new ArrayList<>(expectedIds);
    missing.removeAll(counts.keySet());
    List<String> unexpected = new ArrayList<>(counts.keySet());
    unexpected.removeAll(expectedIds);
    assertEquals(List.of(), duplicates, "duplicated rows");
    assertEquals(List.of(), missing, "lost rows");
    assertEquals(List.of(), unexpected, "rows nobody produced");
    Function<Map<String, Object>, String> describe = Object::toString;
    for (Map<String, Object> row : rows) {
      String[] id = ((String) row.get("event_id")).split("-");
      long seq = Long.parseLong(id[2]);
      String region = seq % 10 == 9 ? null : Events.REGIONS[(int) (seq % Events.REGIONS.length)];
      long tsMillis = Events.T0 + (seq % 2) * 86_400_000L + seq * 1_000L;
      assertEquals(region, row.get("region"), describe.apply(row));
      assertEquals(tsMillis * 1000, row.get("event_ts"), describe.apply(row));
      assertEquals((int) Instant.ofEpochMilli(tsMillis).atOffset(ZoneOffset.UTC).toLocalDate()
          .toEpochDay(), row.get("partition_date"), describe.apply(row));
      assertEquals(seq * 0.5, (Double) row.get("amount"), 1e-9, describe.apply(row));
      assertEquals(Events.SOURCES[(int) (seq % Events.SOURCES.length)], row.get("source_system"));
    }
  }
}
