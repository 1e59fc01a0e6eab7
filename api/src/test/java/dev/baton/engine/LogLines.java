package dev.baton.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The lines one engine logger publishes while open, their messages formatted as JUL's handlers format them (a line
 * without parameters is taken as it is), each prefixed by its thread's name when asked.
 */
final class LogLines implements AutoCloseable {
    private final Logger jul;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler;
    private final SimpleFormatter formatter = new SimpleFormatter();

    /**
     * @param logger the class whose logger to listen to
     * @param withThread whether each line starts with the publishing thread's name and a space
     */
    LogLines(Class<?> logger, boolean withThread) {
        this.jul = Logger.getLogger(logger.getName());
        this.handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                String line = formatter.formatMessage(r);
                lines.add(withThread ? Thread.currentThread().getName() + " " + line : line);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(handler);
    }

    /** @return the lines published so far */
    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        jul.removeHandler(handler);
    }
}
