package io.github.deltaconnect.sink.metrics;

/** Why the sink sent a record to the dead-letter queue, for RecordsToDlqBy* counters. */
public enum DlqReason {
  /** Its value does not fit the table (types, nulls in partition columns, size, null keys). */
  CONVERSION,
  /** It has fields the table lacks and delta.schema.evolution does not add them. */
  UNKNOWN_FIELD,
  /** A change event the upsert mode cannot apply (no key, text order, truncate/message ops). */
  CHANGE_EVENT,
  /** A null value and delta.tombstone.behavior=dlq. */
  TOMBSTONE,
  /** Its delta.route.field value names no valid table. */
  ROUTING
}
