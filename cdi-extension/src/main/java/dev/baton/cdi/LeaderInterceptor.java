package dev.baton.cdi;

import dev.baton.Leader;
import dev.baton.LeaderElection;
import dev.baton.Term;
import dev.baton.observe.FlightRecorderObserver;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.AroundTimeout;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import java.io.Serializable;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Runs a {@link Leader}-guarded call only on the participant that leads the group.
 *
 * <p>Per call: look up the method's {@link GuardedMethod} (resolved at deployment), {@link LeaderElection#tryEnter()};
 * when leading, proceed and close the term when the call ends (for a {@link CompletionStage} result: when the
 * stage completes), so that a graceful shutdown waits for it before releasing the lease. On a follower the method's
 * follower rule applies: {@code void} returns, {@code Optional} is empty, {@code CompletionStage} completes with
 * {@code null}, anything else (or {@code onFollower=THROW}) throws {@link dev.baton.NotLeaderException}.
 *
 * <p>Both {@code @AroundInvoke} and {@code @AroundTimeout}: EJB {@code @Schedule} callbacks are only seen by the
 * latter.
 *
 * <p>Priority {@code PLATFORM_BEFORE + 100}: before (outside) {@code @Transactional} ({@code PLATFORM_BEFORE + 200})
 * and fault tolerance ({@code PLATFORM_AFTER + 10}), so a follower opens no transaction and retries nothing, and a
 * leader's term stays open until its transaction has committed. (EJB container-managed transactions start before
 * any interceptor, so on an EJB a follower still opens and ends an empty transaction.)
 *
 * <p>Container-managed; not API.
 */
@Leader
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class LeaderInterceptor implements Serializable {
    private static final long serialVersionUID = 1L;

    @Inject
    BatonRuntime runtime;

    /** For the container. */
    public LeaderInterceptor() {}

    /**
     * @param context the business method call
     * @return the method's result, or the follower value
     * @throws Exception whatever the method throws, or {@link dev.baton.NotLeaderException}
     */
    @AroundInvoke
    public Object aroundInvoke(InvocationContext context) throws Exception {
        return guard(context);
    }

    /**
     * @param context the timer callback (EJB {@code @Schedule} / {@code @Timeout})
     * @return the method's result, or the follower value
     * @throws Exception whatever the method throws, or {@link dev.baton.NotLeaderException}
     */
    @AroundTimeout
    public Object aroundTimeout(InvocationContext context) throws Exception {
        return guard(context);
    }

    private Object guard(InvocationContext context) throws Exception {
        GuardedMethod guarded = runtime.guardedMethod(context.getMethod(), context.getTarget());
        LeaderElection election = runtime.election(guarded.group());
        Optional<Term> entered = election.tryEnter();
        if (entered.isEmpty()) {
            FlightRecorderObserver.guardedCallSkipped(guarded.group(), guarded.site());
            return guarded.onFollower(election);
        }
        Term term = entered.get();
        boolean closeNow = true;
        try {
            Object result = context.proceed();
            if (result instanceof CompletionStage<?> stage) {
                // The work goes on after the method returned: keep the term open until it ends.
                closeNow = false;
                stage.whenComplete((v, e) -> term.close());
            }
            return result;
        } finally {
            if (closeNow) {
                term.close();
            }
        }
    }
}
