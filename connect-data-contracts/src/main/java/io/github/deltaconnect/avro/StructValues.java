package io.github.deltaconnect.avro;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.apache.kafka.connect.data.Struct;

/**
 * Direct access to a {@link Struct}'s value array, to fill structs without
 * {@code Struct.put}'s per-value validation: profiling the converter inside a worker showed
 * {@code ConnectSchema.validateValue} at about a fifth of the task thread (nested structs are
 * validated again, field by field, when put into their parent). The compiled converters produce
 * exactly the types their Connect schema declares, so the check can never fail here. If a Kafka
 * version changes Struct's internals, this falls back to {@code put}.
 */
final class StructValues {
  /** Struct's private {@code Object[] values}, or null when not accessible. */
  private static final VarHandle VALUES = find();

  private StructValues() {}

  private static VarHandle find() {
    try {
      return MethodHandles.privateLookupIn(Struct.class, MethodHandles.lookup())
          .findVarHandle(Struct.class, "values", Object[].class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // IllegalAccess, NoSuchField, SecurityException: validate with put() instead
    }
  }

  static boolean available() {
    return VALUES != null;
  }

  /** The struct's value array, to be written by field index. */
  static Object[] of(Struct struct) {
    return (Object[]) VALUES.get(struct);
  }
}
