package io.github.deltaconnect.registry;

import java.util.Objects;

/** A schema reference as the registry reports it; carried along, not resolved. */
public record Reference(String name, String subject, int version) {
  public Reference {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(subject, "subject");
  }
}
