package dev.baton.backend.zookeeper;

import dev.baton.spi.LeaseStoreException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.KeeperException;

/**
 * Runs one Curator operation in the background and waits for its answer until a deadline, so that no store call
 * outlives {@link dev.baton.spi.LeaseStore#maxCallTime()} whatever the client's retry policy (an application's own
 * {@code CuratorFramework} may retry for minutes). An operation abandoned at the deadline may still complete later;
 * every write the store makes is conditional (versions, create-if-absent), so a late one cannot harm.
 */
final class ZkCall {

    /** Starts the operation with the callback that receives its answer. */
    @FunctionalInterface
    interface Starter {
        void start(BackgroundCallback callback) throws Exception;
    }

    private ZkCall() {}

    /**
     * @param what the operation in words, for messages ("acquire of lease 'x'")
     * @param deadlineNanos when to give up, on {@link System#nanoTime()}
     * @param starter starts the background operation
     * @return the answer (any result code; the caller interprets it)
     * @throws LeaseStoreException on timeout, interruption or a client that refuses to start the operation
     */
    static CuratorEvent await(String what, long deadlineNanos, Starter starter) {
        return await(what, deadlineNanos, start(what, starter));
    }

    /**
     * Sends an operation without waiting for its answer, so that several go out together: ZooKeeper answers one
     * session's requests in the order they were sent, so operations sent together cost one round trip and see what
     * they would have seen one after the other.
     *
     * @param what the operation in words, for messages
     * @param starter starts the background operation
     * @return its answer, to {@linkplain #await(String, long, CompletableFuture) await}
     * @throws LeaseStoreException when the client refuses to start the operation
     */
    static CompletableFuture<CuratorEvent> start(String what, Starter starter) {
        CompletableFuture<CuratorEvent> answer = new CompletableFuture<>();
        try {
            starter.start((client, event) -> answer.complete(event));
        } catch (Exception e) {
            throw new LeaseStoreException(what + " could not be sent to ZooKeeper: " + e, e);
        }
        return answer;
    }

    /**
     * @param what the operation in words, for messages
     * @param deadlineNanos when to give up, on {@link System#nanoTime()}
     * @param answer an operation's answer from {@link #start}, or answers combined from several
     * @param <T> the answer's type
     * @return the answer (any result code; the caller interprets it)
     * @throws LeaseStoreException on timeout or interruption
     */
    static <T> T await(String what, long deadlineNanos, CompletableFuture<T> answer) {
        try {
            return answer.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new LeaseStoreException(what + ": no answer from ZooKeeper in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LeaseStoreException(what + ": interrupted", e);
        } catch (ExecutionException e) {
            throw new LeaseStoreException(what + " failed: " + e.getCause(), e.getCause());
        }
    }

    static KeeperException.Code code(CuratorEvent event) {
        return KeeperException.Code.get(event.getResultCode());
    }

    /** @return an exception for an unexpected result code; NOAUTH gets a hint at the credentials, never them */
    static LeaseStoreException unexpected(String what, CuratorEvent event) {
        KeeperException.Code code = code(event);
        if (code == KeeperException.Code.NOAUTH || code == KeeperException.Code.AUTHFAILED) {
            return new LeaseStoreException(what + ": ZooKeeper refused access to " + event.getPath() + " (" + code
                    + "): the node's ACL does not admit this client; check " + ZooKeeperLeaseStoreFactory.AUTH_KEY
                    + " (digest user:password) matches the participants that created " + event.getPath());
        }
        return new LeaseStoreException(what + ": ZooKeeper answered " + code + " for " + event.getPath());
    }
}
