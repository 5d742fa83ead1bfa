package io.github.deltaconnect.contract.metrics;

/** JMX view of one contract converter instance. */
public interface ConverterMetricsMBean {
  long getAcceptedRecords();

  long getRejectedRecords();

  long getRejectedNotWireFormat();

  long getRejectedUnknownSchemaId();

  long getRejectedNotRegistered();

  long getRejectedIncompatible();

  long getRejectedUnsupportedSchema();

  long getRejectedCorrupt();

  long getRejectedRuleFailed();

  /** Rule failures of rules with onFailure=NONE: counted, the records passed. */
  long getRuleFailuresPassed();

  /** Distinct writer schema ids seen; a new one for a subject is schema drift. */
  long getSchemaIdsSeen();

  long getRegistryCacheHits();

  long getRegistryCacheMisses();

  double getRegistryCacheHitRate();

  /** Requests that reached the registry (cache misses), and their latency. */
  long getRegistryRequests();

  double getRegistryLatencyAvgMs();

  double getRegistryLatencyLastMs();
}
