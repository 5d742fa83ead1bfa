package io.github.deltaconnect.e2e;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Everything logged in this JVM (the embedded workers included) while installed: each event's
 * formatted message and, when it carries one, the thrown exception's whole stack trace with its
 * causes. While capturing, every logger logs at INFO (as a production worker does) and this
 * project's at DEBUG; the console only shows WARN and above so the extra volume stays out of it.
 */
final class LogCapture extends AbstractAppender implements AutoCloseable {
  /**
   * The test kit's REST client logs every response it gets, submitted configs included: that is
   * the test talking to the worker, not the worker.
   */
  private static final String TEST_CLIENT = "org.apache.kafka.connect.util.clusters.";

  private final Queue<String> events = new ConcurrentLinkedQueue<>();
  private final LoggerContext context;
  private final Map<LoggerConfig, Level> savedLevels = new HashMap<>();
  private final List<AppenderRef> savedRootRefs = new ArrayList<>();

  private LogCapture(LoggerContext context) {
    super("secrets-capture", null, null, true, Property.EMPTY_ARRAY);
    this.context = context;
  }

  static LogCapture install() {
    LogCapture capture = new LogCapture((LoggerContext) LogManager.getContext(false));
    capture.attach();
    return capture;
  }

  private void attach() {
    Configuration config = context.getConfiguration();
    start();
    config.addAppender(this);
    for (LoggerConfig logger : config.getLoggers().values()) {
      savedLevels.put(logger, logger.getLevel());
      Level wanted = logger.getName().startsWith("io.github.deltaconnect") ? Level.DEBUG : Level.INFO;
      if (logger.getLevel().isMoreSpecificThan(wanted)) {
        logger.setLevel(wanted);
      }
    }
    LoggerConfig root = config.getRootLogger();
    if (!savedLevels.containsKey(root)) {
      savedLevels.put(root, root.getLevel());
      root.setLevel(Level.INFO);
    }
    for (AppenderRef ref : root.getAppenderRefs()) {
      savedRootRefs.add(ref);
    }
    for (AppenderRef ref : savedRootRefs) {
      Appender appender = root.getAppenders().get(ref.getRef());
      root.removeAppender(ref.getRef());
      root.addAppender(appender, Level.WARN, null);
    }
    root.addAppender(this, null, null);
    context.updateLoggers();
  }

  @Override
  public void append(LogEvent event) {
    if (event.getLoggerName() != null && event.getLoggerName().startsWith(TEST_CLIENT)) {
      return;
    }
    StringBuilder line = new StringBuilder()
        .append(event.getLevel()).append(' ').append(event.getLoggerName()).append(" - ")
        .append(event.getMessage().getFormattedMessage());
    Throwable thrown = event.getThrown();
    if (thrown != null) {
      StringWriter trace = new StringWriter();
      thrown.printStackTrace(new PrintWriter(trace)); // causes and suppressed, with their messages
      line.append('\n').append(trace);
    }
    events.add(line.toString());
  }

  /** Everything captured so far, one event per line (stack traces span several). */
  String text() {
    return String.join("\n", events);
  }

  int size() {
    return events.size();
  }

  /** Restores the levels and console output the test configuration had. */
  @Override
  public void close() {
    Configuration config = context.getConfiguration();
    LoggerConfig root = config.getRootLogger();
    root.removeAppender(getName());
    for (AppenderRef ref : savedRootRefs) {
      Appender appender = root.getAppenders().get(ref.getRef());
      root.removeAppender(ref.getRef());
      root.addAppender(appender, ref.getLevel(), ref.getFilter());
    }
    savedLevels.forEach(LoggerConfig::setLevel);
    context.updateLoggers();
    stop();
  }
}
