package io.github.deltaconnect.avro;

import org.apache.kafka.connect.errors.DataException;

/**
 * A conversion failure that learns its field path while the stack unwinds, so converters carry no
 * path on the happy path. Each enclosing record, array or map prepends its segment.
 */
final class PathException extends DataException {

  private static final long serialVersionUID = 1L;

  private final String problem;
  /** Built innermost first; mutated only by the thread that threw, before anyone reads it. */
  private String path = "";

  PathException(String problem) {
    super(problem);
    this.problem = problem;
  }

  PathException(String problem, Throwable cause) {
    super(problem, cause);
    this.problem = problem;
  }

  /** Prepends a record field name. */
  PathException field(String name) {
    path = path.isEmpty() || path.startsWith("[") ? name + path : name + "." + path;
    return this;
  }

  /** Prepends an array index. */
  PathException index(int i) {
    path = "[" + i + "]" + (path.isEmpty() || path.startsWith("[") ? path : "." + path);
    return this;
  }

  /** Prepends a map key. */
  PathException key(Object key) {
    path = "['" + key + "']" + (path.isEmpty() || path.startsWith("[") ? path : "." + path);
    return this;
  }

  String path() {
    return path;
  }

  @Override
  public String getMessage() {
    return path.isEmpty() ? problem : "field '" + path + "': " + problem;
  }
}
