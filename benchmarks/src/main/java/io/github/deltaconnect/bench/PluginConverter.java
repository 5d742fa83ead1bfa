package io.github.deltaconnect.bench;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.connect.storage.Converter;

/**
 * A converter loaded from the packaged plugin's jars (not from this JVM's classpath), to measure
 * its decode rate outside a worker with exactly the code the worker runs.
 */
final class PluginConverter implements AutoCloseable {
  private final URLClassLoader loader;
  private final Converter converter;

  private PluginConverter(URLClassLoader loader, Converter converter) {
    this.loader = loader;
    this.converter = converter;
  }

  static PluginConverter load(String className, Map<String, ?> config) throws Exception {
    Path plugins = Path.of(System.getProperty("connect.plugin.dir")).toAbsolutePath();
    List<URL> jars = new ArrayList<>();
    try (Stream<Path> files = Files.walk(plugins)) {
      for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).toList()) {
        jars.add(jar.toUri().toURL());
      }
    }
    URLClassLoader loader = new URLClassLoader(jars.toArray(URL[]::new),
        PluginConverter.class.getClassLoader());
    Converter converter = (Converter) loader.loadClass(className).getConstructor().newInstance();
    converter.configure(config, false);
    return new PluginConverter(loader, converter);
  }

  Converter converter() {
    return converter;
  }

  @Override
  public void close() throws IOException {
    converter.close();
    loader.close();
  }
}
