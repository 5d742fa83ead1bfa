package io.github.deltaconnect.sink.commit;

import java.util.List;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * A commit whose outcome is unknown: it failed in a way that may have happened after the commit
 * file was written, and the log did not show it. The batch's data files are kept (a table version
 * may reference them); the task fails, and its successor resumes after whatever offsets the table
 * holds. Files no version references are orphans for {@code VACUUM} to remove.
 */
public final class UnknownOutcomeException extends ConnectException {
  private final List<String> keptFiles;

  public UnknownOutcomeException(String message, List<String> keptFiles, Throwable cause) {
    super(message, cause);
    this.keptFiles = List.copyOf(keptFiles);
  }

  /** The data files left in place, possibly unreferenced. */
  public List<String> keptFiles() {
    return keptFiles;
  }
}
