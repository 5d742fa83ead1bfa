package io.github.deltaconnect.registry;

/**
 * The registry answered that the subject, version or schema id does not exist (HTTP 404 with a
 * 404xx {@code error_code}: 40401 subject, 40402 version, 40403 schema).
 */
public class SchemaNotFoundException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public SchemaNotFoundException(String message, int httpStatus, int errorCode) {
    super(message, httpStatus, errorCode);
  }
}
