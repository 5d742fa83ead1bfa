package io.github.deltaconnect.sparkcheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads Kernel-written Delta tables with Spark + delta-spark and checks them.
 *
 * <p>Args: [upsertTable] [expectedJson] [cliTable]. Exit code 0 = all checks passed, 1 = a check
 * failed, 2 = an exception.
 */
public final class SparkDeltaCheck {
  private static int passed = 0;
  private static int failed = 0;

  private static void check(String name, boolean ok, String detail) {
    if (ok) {
      passed++;
    } else {
      failed++;
    }
    System.out.println((ok ? "PASS " : "FAIL ") + name + (detail.isEmpty() ? "" : " :: " + detail));
  }

  private static long mark = System.nanoTime();

  private static void lap(String section) {
    long now = System.nanoTime();
    System.out.printf("TIME %-28s %.1f s%n", section, (now - mark) / 1e9);
    mark = now;
  }

  private static String key(long id, String name, String region, long version) {
    return id + "|" + name + "|" + region + "|" + version;
  }

  public static void main(String[] args) throws Exception {
    String upsert = args.length > 0 ? args[0] : "/tmp/spark-check/upsert-table";
    String expectedJson = args.length > 1 ? args[1] : "/tmp/spark-check/expected.json";
    String cli = args.length > 2 ? args[2] : "/tmp/spark-check/append-table";

    long t0 = System.nanoTime();
    SparkSession spark =
        SparkSession.builder()
            .appName("delta-kernel-table-check")
            .master("local[1]")
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config(
                "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            .config("spark.sql.shuffle.partitions", "1")
            .config("spark.default.parallelism", "1")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.warehouse.dir", "/tmp/spark-check/warehouse")
            // Delta's default of 50 partitions for log-state reconstruction makes every snapshot
            // (each time-travel read) run 50 tiny tasks; 1 is what a tiny local check wants.
            .config("spark.databricks.delta.snapshotPartitions",
                System.getProperty("snapshotPartitions", "1"))
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    long tSession = System.nanoTime();
    mark = tSession;
    System.out.printf("Spark %s, session started in %.1f s%n", spark.version(), (tSession - t0) / 1e9);

    try {
      runChecks(spark, upsert, expectedJson, cli);
    } catch (Throwable e) {
      System.out.println("ERROR " + e);
      e.printStackTrace(System.out);
      failed++;
    }
    long tEnd = System.nanoTime();
    System.out.printf(
        "TIMING session_start=%.1fs checks=%.1fs total_in_jvm=%.1fs%n",
        (tSession - t0) / 1e9, (tEnd - tSession) / 1e9, (tEnd - t0) / 1e9);
    System.out.println("SUMMARY " + passed + " passed, " + failed + " failed");
    spark.stop();
    System.exit(failed == 0 ? 0 : 1);
  }

  private static void runChecks(SparkSession spark, String upsert, String expectedJson, String cli)
      throws Exception {
    // ---------------------------------------------------------------- 2. latest snapshot vs expected
    ObjectMapper om = new ObjectMapper();
    JsonNode exp = om.readTree(new File(expectedJson));
    TreeSet<String> expected = new TreeSet<>();
    for (JsonNode n : exp) {
      expected.add(
          key(n.get("id").asLong(), n.get("name").asText(), n.get("region").asText(),
              n.get("version").asLong()));
    }
    System.out.println("expected.json rows: " + exp.size() + " (distinct " + expected.size() + ")");

    Dataset<Row> df = spark.read().format("delta").load(upsert);
    System.out.println("schema: " + df.schema().simpleString());
    List<Row> rows = df.select("id", "name", "region", "version").collectAsList();
    TreeSet<String> actual = new TreeSet<>();
    TreeSet<Long> ids = new TreeSet<>();
    for (Row r : rows) {
      actual.add(key(r.getLong(0), r.getString(1), r.getString(2), r.getLong(3)));
      ids.add(r.getLong(0));
    }
    TreeSet<String> missing = new TreeSet<>(expected);
    missing.removeAll(actual);
    TreeSet<String> extra = new TreeSet<>(actual);
    extra.removeAll(expected);
    check(
        "latest == expected.json",
        missing.isEmpty() && extra.isEmpty() && rows.size() == exp.size(),
        "spark rows=" + rows.size() + " expected=" + exp.size()
            + " missing=" + head(missing) + " extra=" + head(extra));
    check("latest: count == distinct ids", rows.size() == ids.size(),
        "count=" + rows.size() + " distinctIds=" + ids.size());

    lap("latest-vs-expected");
    // ---------------------------------------------------------------- 3. DESCRIBE HISTORY
    Dataset<Row> hist =
        spark.sql("DESCRIBE HISTORY delta.`" + upsert + "`")
            .select("version", "operation", "operationMetrics", "operationParameters",
                "isBlindAppend", "engineInfo")
            .orderBy("version");
    List<Row> h = hist.collectAsList();
    Map<Long, String> logOps = opsFromLog(Path.of(upsert, "_delta_log"), om);
    long maxV = logOps.keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
    System.out.println("DESCRIBE HISTORY rows: " + h.size() + " (log json commits: " + logOps.size() + ")");
    int mismatchOps = 0;
    int optimizeCount = 0;
    for (Row r : h) {
      long v = r.getLong(0);
      String op = r.getString(1);
      if ("OPTIMIZE".equals(op)) {
        optimizeCount++;
      }
      if (!op.equals(logOps.get(v))) {
        mismatchOps++;
        System.out.println("  op mismatch v" + v + ": history=" + op + " log=" + logOps.get(v));
      }
      if (v > maxV - 10) {
        System.out.println("  v" + v + " " + op + " metrics=" + r.getJavaMap(2)
            + " params=" + r.getJavaMap(3) + " engineInfo=" + r.getString(5));
      }
    }
    long logOptimize = logOps.values().stream().filter("OPTIMIZE"::equals).count();
    check("history: one row per commit, ops match commitInfo",
        h.size() == logOps.size() && mismatchOps == 0,
        "rows=" + h.size() + " opMismatches=" + mismatchOps);
    check("history: OPTIMIZE shown for compaction commits",
        optimizeCount == logOptimize && optimizeCount > 0,
        "OPTIMIZE in history=" + optimizeCount + ", in log=" + logOptimize);

    lap("describe-history");
    // ---------------------------------------------------------------- 4. time travel
    for (long v : new long[] {5, 20}) {
      Dataset<Row> tt = spark.read().format("delta").option("versionAsOf", v).load(upsert);
      Row agg = tt.selectExpr("count(*)", "count(distinct id)").first();
      long cnt = agg.getLong(0);
      long d = agg.getLong(1);
      check("versionAsOf " + v + ": no duplicate ids", cnt == d, "count=" + cnt + " distinctIds=" + d);
    }
    lap("time-travel-5-20");
    // every version (cheap: small table) for duplicate keys + row count vs add-stats from the log
    int dupVersions = 0;
    StringBuilder perVersion = new StringBuilder();
    boolean allVersions = Boolean.parseBoolean(System.getProperty("allVersions", "true"));
    for (long v = 0; allVersions && v <= maxV; v++) {
      Row agg = spark.read().format("delta").option("versionAsOf", v).load(upsert)
          .selectExpr("count(*)", "count(distinct id)").first();
      if (agg.getLong(0) != agg.getLong(1)) {
        dupVersions++;
        perVersion.append(" v").append(v).append(':').append(agg.getLong(0)).append('/')
            .append(agg.getLong(1));
      }
      if (v % 10 == 0 || v == maxV) {
        System.out.println("  versionAsOf " + v + ": count=" + agg.getLong(0));
      }
    }
    check("all versions 0.." + maxV + ": no duplicate ids", dupVersions == 0, perVersion.toString());

    lap("time-travel-all-versions");
    crcCheck(spark, upsert);
    lap("crc-validation");
    // ---------------------------------------------------------------- 5. cli-table
    Dataset<Row> c = spark.read().format("delta").load(cli);
    System.out.println("cli-table schema: " + c.schema().simpleString());
    Row ca = c.selectExpr("count(*)", "count(distinct id)").first();
    check("cli-table count == 120", ca.getLong(0) == 120, "count=" + ca.getLong(0));
    check("cli-table count == distinct ids", ca.getLong(0) == ca.getLong(1),
        "count=" + ca.getLong(0) + " distinctIds=" + ca.getLong(1));
    List<Row> cliHist = spark.sql("DESCRIBE HISTORY delta.`" + cli + "`")
        .select("version", "operation").orderBy("version").collectAsList();
    System.out.println("cli-table history: " + cliHist);
    crcCheck(spark, cli);

    lap("cli-table");
    // ---------------------------------------------------------------- 6. SQL + partition pruning
    long sqlCount = spark.sql("SELECT count(*) FROM delta.`" + upsert + "`").first().getLong(0);
    check("SQL count(*) == expected", sqlCount == expected.size(), "count=" + sqlCount);
    long expectedEu = expected.stream().filter(k -> k.split("\\|")[2].equals("eu")).count();
    Dataset<Row> eu = spark.sql("SELECT * FROM delta.`" + upsert + "` WHERE region = 'eu'");
    List<Row> euRows = eu.collectAsList();
    boolean allEu = euRows.stream().allMatch(r -> "eu".equals(r.getAs("region")));
    check("SQL region='eu' rows == expected eu rows", euRows.size() == expectedEu && allEu,
        "got=" + euRows.size() + " expected=" + expectedEu + " allEu=" + allEu);
    String[] files = eu.inputFiles();
    boolean onlyEuFiles = files.length > 0;
    for (String f : files) {
      onlyEuFiles &= f.contains("=eu/");
    }
    String plan = eu.queryExecution().executedPlan().toString();
    String pf = plan.lines().filter(l -> l.contains("PartitionFilters")).findFirst().orElse(plan);
    System.out.println("  eu plan: " + pf.trim());
    System.out.println("  eu inputFiles: " + files.length);
    check("partition pruning: only region=eu files scanned, PartitionFilters in plan",
        onlyEuFiles && plan.contains("PartitionFilters: [isnotnull("),
        "files=" + files.length + " onlyEu=" + onlyEuFiles);
    lap("sql+pruning");
  }

  /**
   * Uses delta-spark's (internal) Snapshot.validateChecksum to compare the state Spark
   * reconstructs from the log with each Kernel-written .crc file. Internal API: may change.
   */
  private static void crcCheck(SparkSession spark, String table) throws Exception {
    org.apache.spark.sql.delta.DeltaLog log =
        org.apache.spark.sql.delta.DeltaLog.forTable(spark, table);
    List<Long> crcVersions = new ArrayList<>();
    try (Stream<Path> s = Files.list(Path.of(table, "_delta_log"))) {
      s.map(p -> p.getFileName().toString())
          .filter(f -> f.matches("\\d{20}\\.crc"))
          .map(f -> Long.parseLong(f.substring(0, 20)))
          .sorted()
          .forEach(crcVersions::add);
    }
    int ok = 0;
    List<String> bad = new ArrayList<>();
    for (long v : crcVersions) {
      try {
        org.apache.spark.sql.delta.Snapshot snap = snapshotAt(log, v);
        if (!snap.checksumOpt().isDefined()) {
          bad.add("v" + v + ": crc not loaded");
        } else if (snap.validateChecksum(snap.validateChecksum$default$1())) {
          ok++;
        } else {
          bad.add("v" + v + ": validateChecksum=false");
        }
      } catch (Throwable e) {
        bad.add("v" + v + ": " + e.toString().replace('\n', ' '));
      }
    }
    check("delta-spark validateChecksum on every .crc (" + crcVersions.size() + " files)",
        bad.isEmpty(), "ok=" + ok + " bad=" + bad);
  }

  /** getSnapshotAt's signature differs across delta-spark versions: call the shortest overload. */
  private static org.apache.spark.sql.delta.Snapshot snapshotAt(
      org.apache.spark.sql.delta.DeltaLog log, long v) throws Exception {
    java.lang.reflect.Method best = null;
    for (java.lang.reflect.Method m : log.getClass().getMethods()) {
      if (m.getName().equals("getSnapshotAt") && m.getParameterCount() > 0
          && m.getParameterTypes()[0] == long.class
          && (best == null || m.getParameterCount() < best.getParameterCount())) {
        best = m;
      }
    }
    Class<?>[] types = best.getParameterTypes();
    Object[] args = new Object[types.length];
    args[0] = v;
    for (int i = 1; i < types.length; i++) {
      args[i] = types[i] == boolean.class ? Boolean.FALSE : scala.Option.empty();
    }
    return (org.apache.spark.sql.delta.Snapshot) best.invoke(log, args);
  }

  private static Map<Long, String> opsFromLog(Path log, ObjectMapper om) throws Exception {
    Map<Long, String> ops = new TreeMap<>();
    try (Stream<Path> s = Files.list(log)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String fn = p.getFileName().toString();
        if (!fn.matches("\\d{20}\\.json")) {
          continue;
        }
        long v = Long.parseLong(fn.substring(0, 20));
        for (String line : Files.readAllLines(p)) {
          JsonNode n = om.readTree(line);
          if (n.has("commitInfo")) {
            ops.put(v, n.get("commitInfo").get("operation").asText());
          }
        }
      }
    }
    return ops;
  }

  private static String head(TreeSet<String> s) {
    List<String> l = new ArrayList<>();
    for (String x : s) {
      if (l.size() >= 10) {
        l.add("...(" + s.size() + " total)");
        break;
      }
      l.add(x);
    }
    return l.toString();
  }
}
