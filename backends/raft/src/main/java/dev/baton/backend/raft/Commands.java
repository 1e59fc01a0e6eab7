package dev.baton.backend.raft;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The log entries of the lease state machine and their answers, as bytes. Strings are written with
 * {@link DataOutputStream#writeUTF}, which keeps every valid name and holder id exactly (surrogate pairs included).
 *
 * <p>The first byte of an entry is its kind. The format is part of the persisted log: a kind or a field may be added
 * in a later version, never changed.
 */
final class Commands {
    static final byte ACQUIRE = 1;
    static final byte RENEW = 2;
    static final byte RELEASE = 3;
    static final byte READ = 4;
    static final byte EXPIRE = 5;

    private Commands() {}

    /** One renewal in a {@link #RENEW} entry. */
    record Renewal(String name, String holder, long token, long ttlNanos) {}

    /** A lease as an answer carries it (the name is known to the asker). */
    record Answer(String holder, long token, long remainingNanos, Map<String, String> metadata) {}

    /**
     * @param metadata the holder's leader metadata (stored with the grant, replacing what was stored)
     */
    static byte[] acquire(String name, String holder, long ttlNanos, Map<String, String> metadata) {
        return write(out -> {
            out.writeByte(ACQUIRE);
            out.writeUTF(name);
            out.writeUTF(holder);
            out.writeLong(ttlNanos);
            writeMap(out, metadata);
        });
    }

    static void writeMap(DataOutput out, Map<String, String> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<String, String> e : map.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
    }

    /** @return an unmodifiable {@code Map.copyOf} map (so records built from it are not copied again) */
    static Map<String, String> readMap(DataInput in) throws IOException {
        int n = in.readInt();
        if (n == 0) {
            return Map.of();
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            map.put(in.readUTF(), in.readUTF());
        }
        return Map.copyOf(map);
    }

    static byte[] renew(List<Renewal> renewals) {
        return write(out -> {
            out.writeByte(RENEW);
            out.writeInt(renewals.size());
            for (Renewal r : renewals) {
                out.writeUTF(r.name());
                out.writeUTF(r.holder());
                out.writeLong(r.token());
                out.writeLong(r.ttlNanos());
            }
        });
    }

    static byte[] release(String name, String holder, long token) {
        return write(out -> {
            out.writeByte(RELEASE);
            out.writeUTF(name);
            out.writeUTF(holder);
            out.writeLong(token);
        });
    }

    static byte[] read(String name) {
        return write(out -> {
            out.writeByte(READ);
            out.writeUTF(name);
        });
    }

    /**
     * @param name the lease
     * @param token its token
     * @param stamp the position of the grant or renewal whose timer ran out: the entry removes the lease only when
     *     nothing renewed it since
     */
    static byte[] expire(String name, long token, long stamp) {
        return write(out -> {
            out.writeByte(EXPIRE);
            out.writeUTF(name);
            out.writeLong(token);
            out.writeLong(stamp);
        });
    }

    static List<Renewal> readRenewals(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<Renewal> renewals = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            renewals.add(new Renewal(in.readUTF(), in.readUTF(), in.readLong(), in.readLong()));
        }
        return renewals;
    }

    // ---- answers -------------------------------------------------------------------------------------------

    static byte[] answer(Answer a) {
        return write(out -> writeAnswer(out, a));
    }

    static byte[] answers(List<Answer> answers) {
        return write(out -> {
            out.writeInt(answers.size());
            for (Answer a : answers) {
                writeAnswer(out, a);
            }
        });
    }

    static byte[] bool(boolean value) {
        return new byte[] {(byte) (value ? 1 : 0)};
    }

    static Answer readAnswer(byte[] bytes) {
        try {
            return readAnswer(in(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("a malformed answer from the Raft group", e);
        }
    }

    static List<Answer> readAnswers(byte[] bytes) {
        try {
            DataInputStream in = in(bytes);
            int n = in.readInt();
            List<Answer> answers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                answers.add(readAnswer(in));
            }
            return answers;
        } catch (IOException e) {
            throw new UncheckedIOException("a malformed answer from the Raft group", e);
        }
    }

    static boolean readBool(byte[] bytes) {
        if (bytes == null || bytes.length != 1) {
            throw new UncheckedIOException(new IOException("a malformed answer from the Raft group"));
        }
        return bytes[0] == 1;
    }

    private static void writeAnswer(DataOutputStream out, Answer a) throws IOException {
        if (a == null) {
            out.writeBoolean(false);
            return;
        }
        out.writeBoolean(true);
        out.writeUTF(a.holder());
        out.writeLong(a.token());
        out.writeLong(a.remainingNanos());
        writeMap(out, a.metadata());
    }

    private static Answer readAnswer(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        return new Answer(in.readUTF(), in.readLong(), in.readLong(), readMap(in));
    }

    static DataInputStream in(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }

    static DataInputStream in(byte[] bytes, int offset, int length) {
        return new DataInputStream(new ByteArrayInputStream(bytes, offset, length));
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array cannot fail
        }
        return bytes.toByteArray();
    }
}
