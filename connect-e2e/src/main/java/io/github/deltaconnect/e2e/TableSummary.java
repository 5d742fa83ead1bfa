package io.github.deltaconnect.e2e;

import io.delta.kernel.Snapshot;
import io.github.deltaconnect.sink.testing.TableReader;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** What a person wants to see of a table after a run: version, rows per partition, offsets. */
public record TableSummary(String location, long version, long rows,
    Map<String, Long> rowsPerPartition, Map<Integer, Long> storedOffsets) {

  public static TableSummary read(String location, String connector, String topic, int partitions) {
    TableReader reader = new TableReader(location);
    Snapshot snapshot = reader.snapshot();
    List<Map<String, Object>> rows = reader.rows();
    Map<String, Long> perPartition = new TreeMap<>();
    for (Map<String, Object> row : rows) {
      Object day = row.get("partition_date");
      String key = "partition_date=" + (day == null ? "null" : LocalDate.ofEpochDay((Integer) day))
          + "/region=" + row.get("region");
      perPartition.merge(key, 1L, Long::sum);
    }
    Map<Integer, Long> offsets = new TreeMap<>();
    for (int p = 0; p < partitions; p++) {
      Optional<String> json = snapshot.getDomainMetadata(
          "kafka.offsets." + connector + "." + topic + "." + p);
      int partition = p;
      json.ifPresent(j -> offsets.put(partition, Long.parseLong(
          j.replaceAll(".*\"offset\":(\\d+).*", "$1"))));
    }
    return new TableSummary(location, snapshot.getVersion(), rows.size(), perPartition, offsets);
  }

  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("Delta table      ").append(location).append('\n');
    sb.append("Table version    ").append(version).append('\n');
    sb.append("Rows             ").append(rows).append('\n');
    sb.append("Rows per table partition:\n");
    rowsPerPartition.forEach((k, v) -> sb.append(String.format("  %-48s %8d%n", k, v)));
    sb.append("Kafka offsets stored in the table (last offset per partition): ")
        .append(storedOffsets).append('\n');
    return sb.toString();
  }
}
