package dev.baton.cdi.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Captures what Baton logs through {@link System.Logger} (backed by java.util.logging in these tests). */
public final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("dev.baton");
    private final List<String> lines = new CopyOnWriteArrayList<>();

    /** Starts capturing. */
    public LogCapture() {
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        String msg = record.getMessage();
        Object[] params = record.getParameters();
        if (params != null && params.length > 0) {
            msg = java.text.MessageFormat.format(msg, params);
        }
        lines.add(record.getLevel() + " " + msg);
    }

    /** @return every captured line, level first */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** @return all lines joined, for assertions on content */
    public String text() {
        return String.join("\n", lines);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
