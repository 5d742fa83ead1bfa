package io.github.deltaconnect.avro;

/**
 * One compiled step from a Connect value to an Avro datum. Never called with null: the enclosing
 * record, array, map or {@link ConnectToAvro} decides whether null is allowed there. Failures are
 * {@link PathException}s so the enclosing steps can name the field.
 */
@FunctionalInterface
interface ToAvro {
  Object convert(Object value);
}
