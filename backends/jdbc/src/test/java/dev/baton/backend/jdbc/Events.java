package dev.baton.backend.jdbc;

import dev.baton.ChangeCause;
import dev.baton.LeadershipChanged;
import dev.baton.Role;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Records a participant's leadership events. */
final class Events implements Consumer<LeadershipChanged> {
    private final List<LeadershipChanged> all = new CopyOnWriteArrayList<>();

    @Override
    public void accept(LeadershipChanged e) {
        all.add(e);
    }

    List<LeadershipChanged> all() {
        return List.copyOf(all);
    }

    long count(Role role) {
        return all.stream().filter(e -> e.role() == role).count();
    }

    boolean any(Role role, ChangeCause... causes) {
        return all.stream().anyMatch(e -> e.role() == role && List.of(causes).contains(e.cause()));
    }

    @Override
    public String toString() {
        return all.toString();
    }
}
