package dev.baton.cdi.grouping;

import dev.baton.Leader;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Everything in group "nightly", except {@link #hourly()} which is in group "hourly". */
@ApplicationScoped
@Leader("nightly")
public class GroupingService {
    /** What ran, kept outside the bean because every business method of the bean is guarded. */
    public static final List<String> RAN = new CopyOnWriteArrayList<>();

    public void nightly() {
        RAN.add("nightly");
    }

    @Leader("hourly")
    public void hourly() {
        RAN.add("hourly");
    }

    /** Not guarded by anything but the class: static methods are not business methods. */
    public static String helper() {
        return "static";
    }

    /** Guarded by the class: throws on a follower of "nightly". */
    public List<String> ran() {
        return List.copyOf(RAN);
    }
}
