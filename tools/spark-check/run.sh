#!/usr/bin/env bash
# Usage: ./run.sh [upsertTable] [expectedJson] [cliTable]
# Env: PROFILES (e.g. slim), SPARK_VERSION/DELTA_VERSION (default 4.2.0/4.4.0), M2 (local Maven repo, default /tmp/spark-check/m2), JAVA (java binary),
#      NO_OPENS=1 to run without the --add-opens flags, JAVA_OPTS extra JVM flags.
set -euo pipefail
cd "$(dirname "$0")"
M2=${M2:-/tmp/spark-check/m2}
JAVA=${JAVA:-java}
SPARK_VERSION=${SPARK_VERSION:-4.2.0}
DELTA_VERSION=${DELTA_VERSION:-4.4.0}
PROFILES=${PROFILES:-}   # e.g. PROFILES=slim
MVN=(mvn -B -q -Dmaven.repo.local="$M2" -Dspark.version="$SPARK_VERSION" -Ddelta.version="$DELTA_VERSION")
[[ -n "$PROFILES" ]] && MVN+=(-P"$PROFILES")
CP=cp-$SPARK_VERSION-$DELTA_VERSION${PROFILES:+-$PROFILES}.txt
if [[ ! -s $CP || pom.xml -nt $CP ]]; then
  "${MVN[@]}" dependency:build-classpath -Dmdep.outputFile="$CP"
fi
"${MVN[@]}" clean compile
# Same list as org.apache.spark.launcher.JavaModuleOptions (what spark-submit adds), Java 17+.
OPENS=(
  -XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true
)
[[ "${NO_OPENS:-0}" == 1 ]] && OPENS=()
exec "$JAVA" -Xmx2g "${OPENS[@]}" ${JAVA_OPTS:-} -cp "target/classes:$(cat "$CP")" io.github.deltaconnect.sparkcheck.SparkDeltaCheck "$@"
