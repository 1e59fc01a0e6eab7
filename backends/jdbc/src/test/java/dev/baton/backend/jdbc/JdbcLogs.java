package dev.baton.backend.jdbc;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what the JDBC backend logs (through {@link System.Logger}, backed by java.util.logging in the tests), INFO
 * included while it captures (the tests' logging configuration shows warnings only).
 */
final class JdbcLogs extends Handler implements AutoCloseable {
    /** Kept strongly: java.util.logging forgets the level of a logger nobody references. */
    private final Logger logger = Logger.getLogger("dev.baton.backend.jdbc");
    private final Level savedLevel = logger.getLevel();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    JdbcLogs() {
        setLevel(Level.ALL);
        logger.setLevel(Level.INFO);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord r) {
        Object[] params = r.getParameters();
        String text = params == null || params.length == 0 ? r.getMessage() : MessageFormat.format(r.getMessage(), params);
        lines.add(r.getLevel() + " " + text);
    }

    /**
     * @param logId a log id, e.g. {@code BATON-JDBC-0002}
     * @param mentioning text the line must contain as well (the table, to keep other tests' lines out)
     * @return the captured lines with that id and text, level first
     */
    List<String> lines(String logId, String mentioning) {
        return lines.stream().filter(l -> l.contains(logId + ":") && l.contains(mentioning)).toList();
    }

    @Override
    public String toString() {
        return String.join("\n", lines);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(savedLevel);
    }
}
