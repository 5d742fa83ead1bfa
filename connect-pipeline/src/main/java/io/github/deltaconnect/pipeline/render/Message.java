package io.github.deltaconnect.pipeline.render;

/** An error (nothing is rendered) or a warning (a key that does not apply here, and why). */
public record Message(Level level, String path, int line, String text) {
  public enum Level { ERROR, WARNING }

  @Override
  public String toString() {
    return level.name().toLowerCase(java.util.Locale.ROOT) + ": " + path
        + (line > 0 ? " (line " + line + ")" : "") + ": " + text;
  }
}
