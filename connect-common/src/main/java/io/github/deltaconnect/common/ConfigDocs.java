package io.github.deltaconnect.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Renders a {@link ConfigDef} as a Markdown table for a module README, between the markers
 * {@code <!-- config:begin ... -->} and {@code <!-- config:end -->}, so docs cannot drift: each
 * module has a test that compares (or, with {@code -Ddocs.update}, rewrites) the table.
 */
public final class ConfigDocs {
  static final String BEGIN = "<!-- config:begin";
  static final String END = "<!-- config:end -->";

  private ConfigDocs() {}

  /**
   * Empty when the README's table matches {@code def}; otherwise what to do. With
   * {@code update}, rewrites the table instead.
   */
  public static Optional<String> checkReadme(Path readme, ConfigDef def, boolean update,
      String regenerate) {
    return checkReadme(readme, def, update, regenerate, "");
  }

  /**
   * As above, for a README with several tables: the one whose begin marker is
   * {@code <!-- config:begin <block> -->}.
   */
  public static Optional<String> checkReadme(Path readme, ConfigDef def, boolean update,
      String regenerate, String block) {
    try {
      String text = Files.readString(readme, StandardCharsets.UTF_8);
      int a = text.indexOf(block.isEmpty() ? BEGIN : BEGIN + " " + block + " -->");
      int b = a < 0 ? -1 : text.indexOf(END, a);
      if (a < 0 || b < a) {
        return Optional.of(readme + " has no " + BEGIN + " ... " + END + " markers");
      }
      int start = text.indexOf('\n', a) + 1;
      String generated = markdown(def);
      if (text.substring(start, b).equals(generated)) {
        return Optional.empty();
      }
      if (update) {
        Files.writeString(readme, text.substring(0, start) + generated + text.substring(b),
            StandardCharsets.UTF_8);
        return Optional.empty();
      }
      return Optional.of(readme + " property table is stale: run " + regenerate);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String markdown(ConfigDef def) {
    StringBuilder sb = new StringBuilder();
    sb.append("| Property | Type | Default | Valid values | Importance | Description |\n");
    sb.append("|---|---|---|---|---|---|\n");
    List<ConfigDef.ConfigKey> keys = def.configKeys().values().stream()
        .filter(k -> !k.internalConfig)
        .toList();
    for (ConfigDef.ConfigKey k : keys) {
      sb.append("| `").append(k.name).append("` | ")
          .append(k.type.name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
          .append(defaultOf(k)).append(" | ")
          .append(k.validator == null ? "" : escape(k.validator.toString())).append(" | ")
          .append(k.importance.name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
          .append(escape(k.documentation)).append(" |\n");
    }
    return sb.toString();
  }

  private static String defaultOf(ConfigDef.ConfigKey k) {
    if (!k.hasDefault()) {
      return "required";
    }
    Object v = k.defaultValue;
    String text = v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList())
        : String.valueOf(v);
    return text.isEmpty() ? "\"\"" : "`" + text + "`";
  }

  private static String escape(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }
}
