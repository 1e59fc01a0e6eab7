package dev.baton.cdi.shutdown;

import dev.baton.ChangeCause;
import dev.baton.Leader;
import dev.baton.LeadershipChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/** A long guarded call, and a record of what happened in which order. */
@ApplicationScoped
public class ShutdownService {
    public static final List<String> ORDER = new CopyOnWriteArrayList<>();

    @Leader("work")
    public void longCall(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
        entered.countDown();
        release.await();
        ORDER.add("call finished");
    }

    void onChange(@Observes LeadershipChanged change) {
        if (change.group().equals("work") && change.cause() == ChangeCause.SHUTDOWN) {
            ORDER.add("released (" + change.cause() + ")");
        }
    }
}
