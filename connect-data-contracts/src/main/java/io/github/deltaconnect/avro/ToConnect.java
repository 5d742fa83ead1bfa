package io.github.deltaconnect.avro;

/**
 * One compiled step from an Avro datum to a Connect value. Never called with null: the enclosing
 * record, array, map or {@link AvroToConnect} handles null, so leaves stay branch-free.
 */
@FunctionalInterface
interface ToConnect {
  Object convert(Object datum);
}
