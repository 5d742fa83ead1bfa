package io.github.deltaconnect.pipeline.spec;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads a pipeline YAML file into {@link Entry} values that remember their path and line. */
public final class PipelineFile {

  /** A file that is not YAML, or not a mapping at the top: the line and what is wrong. */
  public static final class Unreadable extends Exception {
    public Unreadable(String message) {
      super(message);
    }
  }

  private PipelineFile() {}

  public static Entry read(Path file) throws IOException, Unreadable {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      Node root = new Yaml(options).compose(in);
      if (root == null) {
        throw new Unreadable(file + ": empty file");
      }
      if (!(root instanceof MappingNode)) {
        throw new Unreadable(file + " line " + line(root) + ": expected keys such as pipeline:,"
            + " ingestion:, storage: at the top");
      }
      return convert(root, "");
    } catch (MarkedYAMLException e) {
      throw new Unreadable(file + " line " + (e.getProblemMark() == null ? "?"
          : e.getProblemMark().getLine() + 1) + ": not valid YAML: " + e.getProblem());
    } catch (org.yaml.snakeyaml.error.YAMLException e) {
      throw new Unreadable(file + ": not valid YAML: " + e.getMessage());
    }
  }

  private static int line(Node node) {
    return node.getStartMark().getLine() + 1;
  }

  private static Entry convert(Node node, String path) throws Unreadable {
    if (node instanceof ScalarNode s) {
      String v = s.getValue();
      boolean plainNull = s.getScalarStyle() == org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN
          && (v.isEmpty() || v.equals("~") || v.equals("null"));
      return new Entry(path, line(node), plainNull ? null : v);
    }
    if (node instanceof SequenceNode seq) {
      List<Entry> items = new ArrayList<>();
      for (Node item : seq.getValue()) {
        items.add(convert(item, path + "[" + items.size() + "]"));
      }
      return new Entry(path, line(node), items);
    }
    MappingNode map = (MappingNode) node;
    Map<String, Entry> out = new LinkedHashMap<>();
    for (NodeTuple t : map.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode key)) {
        throw new Unreadable("line " + line(t.getKeyNode()) + ": keys must be plain names");
      }
      String name = key.getValue();
      if (out.containsKey(name)) {
        throw new Unreadable("line " + line(key) + ": duplicate key '" + name + "'"
            + (path.isEmpty() ? "" : " in " + path));
      }
      out.put(name, convert(t.getValueNode(), path.isEmpty() ? name : path + "." + name));
    }
    return new Entry(path, line(node), out);
  }
}
