package dev.baton.chaos;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An append-only record file written one line per {@code write} system call: once {@link #line} returns, the line
 * is in the kernel's page cache, so a {@code kill -9} of the process loses nothing already written (no user-space
 * buffer). Thread-safe.
 */
public final class RecordFile implements AutoCloseable {
    private final FileOutputStream out;

    /**
     * @param file the file, created or appended to
     */
    public RecordFile(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            this.out = new FileOutputStream(file.toFile(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open record file " + file, e);
        }
    }

    /**
     * Appends one line.
     *
     * @param fields the fields, joined by single spaces (no field may contain white space)
     */
    public synchronized void line(Object... fields) {
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(fields[i]);
        }
        sb.append('\n');
        try {
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to record file", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close record file", e);
        }
    }
}
