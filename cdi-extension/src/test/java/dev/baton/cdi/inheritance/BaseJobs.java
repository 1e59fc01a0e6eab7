package dev.baton.cdi.inheritance;

import dev.baton.Leader;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Not a bean itself: its subclasses are. */
@Leader("inherited")
public class BaseJobs {
    public static final List<String> RAN = new CopyOnWriteArrayList<>();

    /** The bean class's name, without the container subclass's suffix. */
    private String beanName() {
        return getClass().getSimpleName().replaceAll("\\$.*", "");
    }

    /** Guarded by the class-level annotation, in each subclass's group. */
    public void classWide() {
        RAN.add(beanName() + ".classWide");
    }

    /** Guarded by its own annotation wherever it is inherited. */
    @Leader("own")
    public void ownGroup() {
        RAN.add(beanName() + ".ownGroup");
    }
}
