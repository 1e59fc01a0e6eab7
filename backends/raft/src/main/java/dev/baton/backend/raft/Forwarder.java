package dev.baton.backend.raft;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.util.Bits;

/**
 * Gets an entry into the log from any member: appended directly on the Raft leader, sent to it from any other member,
 * and the leader's answer sent back. It replaces jgroups-raft's {@code REDIRECT}, which keeps the future of every
 * forwarded request whose leader never answered (it died): here a request the caller gave up on is forgotten at once,
 * and one whose leader left the view fails at once, so the caller can ask the new leader.
 *
 * <p>Messages are plain {@link BytesMessage}s to the channel's receiver: a kind byte ({@link #REQUEST},
 * {@link #ANSWER}, {@link #REFUSED}), the request id (8 bytes), then the entry, the answer, or the reason in UTF-8.
 * It also carries the {@link #NO_LEADER} alarm of the {@link LeaderWatchdog} (the sender's term in place of the id).
 */
final class Forwarder implements Receiver {
    private static final System.Logger LOG = System.getLogger(Forwarder.class.getName());
    static final byte REQUEST = 1;
    static final byte ANSWER = 2;
    static final byte REFUSED = 3;
    /** A member knows no leader: the "id" field carries its term ({@link LeaderWatchdog}). */
    static final byte NO_LEADER = 4;
    private static final int HEADER = 1 + Long.BYTES;

    /** A request sent to {@code leader}, not answered yet. */
    private record Pending(Address leader, CompletableFuture<byte[]> answer) {}

    private final JChannel channel;
    private final RAFT raft;
    private final String member;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final BiConsumer<Address, Long> noLeader;

    /**
     * @param noLeader told of a member's {@link #NO_LEADER} alarm: the sender and its term
     */
    Forwarder(JChannel channel, RAFT raft, String member, BiConsumer<Address, Long> noLeader) {
        this.channel = channel;
        this.raft = raft;
        this.member = member;
        this.noLeader = noLeader;
    }

    /**
     * Tells the view coordinator that this member knows no leader.
     *
     * @param coordinator the view coordinator
     * @param term this member's term
     */
    void sendNoLeader(Address coordinator, long term) {
        byte[] frame = new byte[HEADER];
        frame[0] = NO_LEADER;
        Bits.writeLong(term, frame, 1);
        try {
            channel.send(new BytesMessage(coordinator, frame));
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "Raft member {0} could not alarm {1}: {2}", member, coordinator, e.toString());
        }
    }

    /**
     * @param command the entry
     * @return completes with the leader's answer once the entry is committed and applied; cancel it to forget it
     * @throws IllegalStateException when no leader is known, or the known one is not in this member's view (nothing
     *     was sent: an election is running, or this member has no majority)
     * @throws Exception when the message cannot be sent
     */
    CompletableFuture<byte[]> submit(byte[] command) throws Exception {
        Address leader = raft.leader();
        if (leader == null) {
            throw new IllegalStateException("no Raft leader is known to member " + member);
        }
        if (leader.equals(channel.getAddress())) {
            return raft.setAsync(command, 0, command.length, null);
        }
        View view = channel.getView();
        if (view != null && !view.containsMember(leader)) {
            throw new IllegalStateException("the Raft leader " + leader + " is not in member " + member + "'s view "
                    + view);
        }
        long id = ids.incrementAndGet();
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        pending.put(id, new Pending(leader, answer));
        answer.whenComplete((r, e) -> pending.remove(id)); // answered, failed or given up on (cancelled)
        byte[] frame = new byte[HEADER + command.length];
        frame[0] = REQUEST;
        Bits.writeLong(id, frame, 1);
        System.arraycopy(command, 0, frame, HEADER, command.length);
        try {
            channel.send(new BytesMessage(leader, frame));
        } catch (Exception e) {
            pending.remove(id);
            throw e;
        }
        return answer;
    }

    @Override
    public void receive(Message msg) {
        byte[] buf = msg.getArray();
        int offset = msg.getOffset();
        int length = msg.getLength();
        if (buf == null || length < HEADER) {
            return;
        }
        byte kind = buf[offset];
        long id = Bits.readLong(buf, offset + 1);
        switch (kind) {
            case REQUEST -> append(msg.getSrc(), id, buf, offset + HEADER, length - HEADER);
            case NO_LEADER -> noLeader.accept(msg.getSrc(), id);
            case ANSWER -> {
                Pending p = pending.remove(id);
                if (p != null) {
                    p.answer().complete(Arrays.copyOfRange(buf, offset + HEADER, offset + length));
                }
            }
            case REFUSED -> {
                Pending p = pending.remove(id);
                if (p != null) {
                    p.answer().completeExceptionally(new IllegalStateException(new String(buf, offset + HEADER,
                            length - HEADER, java.nio.charset.StandardCharsets.UTF_8)));
                }
            }
            default -> LOG.log(Level.DEBUG, "Raft member {0} ignored a message of unknown kind {1} from {2}",
                    member, kind, msg.getSrc());
        }
    }

    /** On the leader: appends a forwarded entry and sends the answer (or why not) back. */
    private void append(Address from, long id, byte[] buf, int offset, int length) {
        try {
            raft.setAsync(buf, offset, length, null).whenComplete((answer, e) -> reply(from, id, answer, e));
        } catch (Throwable e) {
            reply(from, id, null, e);
        }
    }

    private void reply(Address to, long id, byte[] answer, Throwable failure) {
        byte[] body = failure == null ? (answer == null ? new byte[0] : answer)
                : String.valueOf(failure.getMessage()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] frame = new byte[HEADER + body.length];
        frame[0] = failure == null ? ANSWER : REFUSED;
        Bits.writeLong(id, frame, 1);
        System.arraycopy(body, 0, frame, HEADER, body.length);
        try {
            channel.send(new BytesMessage(to, frame));
        } catch (Exception e) {
            // The asker times out and asks again.
            LOG.log(Level.DEBUG, "Raft member {0} could not answer {1}: {2}", member, to, e.toString());
        }
    }

    /** Fails at once every request sent to a leader that left the view: its askers go to the next leader. */
    @Override
    public void viewAccepted(View view) {
        for (Pending p : pending.values()) {
            if (!view.containsMember(p.leader())) {
                p.answer().completeExceptionally(new IllegalStateException("the Raft leader " + p.leader()
                        + " left the view before it answered"));
            }
        }
    }

    /** @return the number of requests waiting for an answer (tests: nothing is kept once given up on) */
    int pending() {
        return pending.size();
    }
}
