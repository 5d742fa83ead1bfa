package io.github.deltaconnect.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.deltaconnect.pipeline.connect.ConnectClient;
import io.github.deltaconnect.pipeline.render.Connector;
import io.github.deltaconnect.pipeline.render.Message;
import io.github.deltaconnect.pipeline.render.Renderer;
import io.github.deltaconnect.pipeline.spec.PipelineFile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code pipeline render FILE}, {@code pipeline validate FILE --connect-url URL} and
 * {@code pipeline apply FILE --connect-url URL}. Exit status: 0 done, 1 errors in the file or
 * refused by Connect, 2 usage, 3 Connect unreachable or failing.
 */
public final class Pipeline {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String USAGE = "usage: pipeline render FILE\n"
      + "       pipeline validate FILE --connect-url URL\n"
      + "       pipeline apply FILE --connect-url URL";

  private final PrintStream out;
  private final PrintStream err;

  public Pipeline(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(new Pipeline(System.out, System.err).run(args));
  }

  /** Runs one command; returns the exit status. */
  public int run(String... args) {
    if (args.length < 2) {
      err.println(USAGE);
      return 2;
    }
    String command = args[0];
    Path file = Path.of(args[1]);
    String url = null;
    for (int i = 2; i < args.length; i++) {
      if (args[i].equals("--connect-url") && i + 1 < args.length) {
        url = args[++i];
      } else {
        err.println("unknown argument: " + args[i] + "\n" + USAGE);
        return 2;
      }
    }
    if (!command.equals("render") && url == null) {
      err.println(command + " needs --connect-url\n" + USAGE);
      return 2;
    }
    if (!command.equals("render") && !command.equals("validate") && !command.equals("apply")) {
      err.println("unknown command: " + command + "\n" + USAGE);
      return 2;
    }
    Renderer.Result result;
    try {
      result = Renderer.render(PipelineFile.read(file));
    } catch (PipelineFile.Unreadable e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (java.io.IOException e) {
      err.println("error: cannot read " + file + ": " + e.getMessage());
      return 1;
    }
    for (Message m : result.messages()) {
      err.println(file.getFileName() + ": " + m);
    }
    if (!result.ok()) {
      return 1;
    }
    try {
      return switch (command) {
        case "render" -> render(result);
        case "validate" -> validate(result, new ConnectClient(url));
        default -> apply(result, new ConnectClient(url));
      };
    } catch (java.io.IOException e) {
      err.println("error: " + e.getMessage());
      return 3;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 3;
    }
  }

  private int render(Renderer.Result result) throws java.io.IOException {
    for (Connector c : result.connectors()) {
      ObjectNode node = JSON.createObjectNode();
      node.put("name", c.name());
      ObjectNode config = node.putObject("config");
      c.config().forEach(config::put);
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    }
    return 0;
  }

  private int validate(Renderer.Result result, ConnectClient connect)
      throws java.io.IOException, InterruptedException {
    int refused = 0;
    for (Connector c : result.connectors()) {
      Map<String, String> config = new LinkedHashMap<>(c.config());
      config.put("name", c.name());
      Map<String, ConnectClient.Verdict> verdicts =
          connect.validate(config.get("connector.class"), config);
      out.println("connector " + c.name() + ":");
      for (String property : c.config().keySet()) {
        ConnectClient.Verdict v = verdicts.get(property);
        if (v == null || v.errors().isEmpty()) {
          out.println("  ok     " + property + "  <- " + c.originOf(property));
        }
      }
      for (ConnectClient.Verdict v : verdicts.values()) {
        for (String error : v.errors()) {
          refused++;
          out.println("  ERROR  " + v.property() + ": " + error + "  <- "
              + c.originOf(v.property()));
        }
      }
    }
    out.println(refused == 0 ? "Connect accepts every connector." : refused
        + " error(s) from Connect.");
    return refused == 0 ? 0 : 1;
  }

  private int apply(Renderer.Result result, ConnectClient connect)
      throws java.io.IOException, InterruptedException {
    for (Connector c : result.connectors()) {
      Optional<Map<String, String>> current = connect.config(c.name());
      Map<String, String> wanted = new LinkedHashMap<>(c.config());
      wanted.put("name", c.name());
      if (current.isEmpty()) {
        connect.put(c.name(), wanted);
        out.println("created connector " + c.name() + " (" + c.config().size() + " properties)");
        continue;
      }
      Map<String, String> now = current.get();
      TreeSet<String> keys = new TreeSet<>(now.keySet());
      keys.addAll(wanted.keySet());
      int changes = 0;
      StringBuilder diff = new StringBuilder();
      for (String k : keys) {
        String before = now.get(k);
        String after = wanted.get(k);
        if (java.util.Objects.equals(before, after)) {
          continue;
        }
        changes++;
        diff.append(before == null ? "  + " : after == null ? "  - " : "  ~ ").append(k)
            .append(": ").append(before == null ? "" : shown(k, before))
            .append(before != null && after != null ? " -> " : "")
            .append(after == null ? "" : shown(k, after)).append('\n');
      }
      if (changes == 0) {
        out.println("unchanged connector " + c.name());
      } else {
        connect.put(c.name(), wanted);
        out.print("updated connector " + c.name() + " (" + changes + " change(s)):\n" + diff);
      }
    }
    return 0;
  }

  /** Values that may hold secrets (webhooks, keys, passwords) are not printed. */
  static String shown(String key, String value) {
    String k = key.toLowerCase(java.util.Locale.ROOT);
    return k.contains("password") || k.contains("secret") || k.contains("webhook")
        || k.contains("api.key") || k.contains("user.info") ? "[hidden]" : value;
  }
}
