package dev.baton.engine;

import dev.baton.ElectionSettings;
import dev.baton.spi.LeaseRecord;
import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * What a group does with the store's answer to each {@link Step}: lead, follow until the holder's lease can expire,
 * retry with back-off, end the tenure, give a late grant back; and when its chain runs the next step. Applied under
 * the election's lock by {@link StepChain#finishStep}, so an answer and the state it is checked against cannot
 * change in between.
 */
final class StepAnswers {
    // The election's logger, whichever class logs: operators filter on it.
    private static final System.Logger LOG = System.getLogger(GroupElection.class.getName());

    private final ElectionContext context;
    private final ElectionState state;
    private final StepChain chain;

    StepAnswers(ElectionContext context, ElectionState state, StepChain chain) {
        this.context = context;
        this.state = state;
        this.chain = chain;
    }

    /** Records whether the store answered, then applies the answer. Caller holds the lock. */
    void apply(StepOutcome outcome) {
        RuntimeException failure = outcome.failure();
        if (failure != null) {
            boolean first = context.health().failed(failure);
            LOG.log(first ? Level.WARNING : Level.DEBUG,
                    LogIds.STORE_CALL_FAILED + ": group ''{0}'': {1} failed: {2}; retried with back-off (a leader keeps"
                            + " its tenure until its local deadline); check the backend",
                    context.group(), outcome.step().label(), context.health().lastError().orElse(""));
        } else {
            context.health().answered();
        }
        if (outcome instanceof StepOutcome.Acquired acquired) {
            acquired(acquired);
        } else if (outcome instanceof StepOutcome.Renewed renewed) {
            renewed(renewed);
        } else {
            released((StepOutcome.Released) outcome);
        }
    }

    private void acquired(StepOutcome.Acquired outcome) {
        if (outcome.failure() != null) {
            chain.scheduleStep(context.health().retryDelay(context.settings().renewInterval()));
            return;
        }
        Optional<LeaseRecord> answer = outcome.answer();
        if (answer.isEmpty()) {
            chain.scheduleStep(Timing.jitter(Timing.RACE_RETRY_NANOS));
            return;
        }
        LeaseRecord lease = answer.get();
        if (!lease.heldBy(context.participant())) {
            state.sawHolder(lease);
            chain.scheduleStep(Timing.followerWait(lease, context.settings().ttl()));
            return;
        }
        ElectionSettings settings = context.settings();
        long deadline = Timing.deadline(outcome.t0(), settings.ttl(), lease, settings.safetyMargin());
        long now = context.scheduler().nanoTime();
        if (!state.competing() || !Timing.before(now, deadline)) {
            // Shutting down, or the answer came too late to trust: give the lease back instead of leading.
            if (state.competing()) {
                LOG.log(Level.WARNING, LogIds.LATE_GRANT + ": group ''{0}'': the store''s grant arrived after its"
                        + " local deadline (a slow or stalled call); it is released at once and the group competes"
                        + " again; check the backend''s latency against the ttl", context.group());
            }
            state.queueRelease(lease.token());
            chain.scheduleStep(0);
            return;
        }
        state.begin(lease, deadline);
        chain.scheduleStep(outcome.t0() + Timing.renewDelay(settings.ttl(), settings.renewInterval(), lease) - now);
    }

    private void renewed(StepOutcome.Renewed outcome) {
        long now = context.scheduler().nanoTime();
        Step.Renew step = outcome.step();
        Optional<LeaseRecord> answer = outcome.answer();
        if (step.epoch() != state.epoch()) {
            // The tenure ended while the call was out. If the call extended the lease, give it back.
            if (outcome.failure() == null && answer.isPresent() && answer.get().heldBy(context.participant())) {
                state.queueRelease(step.grant().token());
            }
            chain.scheduleStep(0);
            return;
        }
        Grant current = state.grant();
        if (outcome.failure() != null) {
            if (!state.valid(current)) {
                state.checkDeadline(current);
                return;
            }
            long retry = context.health().retryDelay(context.settings().renewInterval());
            chain.scheduleStep(Math.min(retry, current.deadlineNanos() - now));
            return;
        }
        if (!Timing.confirms(answer, context.participant(), current.token())) {
            state.lost(answer);
            chain.scheduleStep(0);
            return;
        }
        if (!state.valid(current)) {
            // Confirmed, but only after the local deadline: isLeader() was already false, so the tenure ended there.
            // Extending it now would hide that gap from the events (and a release hands the lease on at once).
            state.endAtDeadline(current);
            return;
        }
        ElectionSettings settings = context.settings();
        long deadline = Timing.deadline(outcome.t0(), settings.ttl(), answer.get(), settings.safetyMargin());
        if (deadline - current.deadlineNanos() > 0) {
            state.extend(current, deadline);
        }
        long renewDelay = Timing.renewDelay(settings.ttl(), settings.renewInterval(), answer.get());
        chain.scheduleStep(outcome.t0() + renewDelay - now);
    }

    private void released(StepOutcome.Released outcome) {
        state.releaseAnswered();
        if (outcome.failure() != null && context.health().consecutiveFailures() < 3) {
            // Worth a few retries so a follower need not wait for expiry; after that the store expires it anyway.
            chain.scheduleStep(context.health().retryDelay(context.settings().renewInterval()));
            return;
        }
        long token = outcome.step().token();
        state.released(token);
        if (outcome.failure() == null && !outcome.released()) {
            LOG.log(Level.DEBUG, "Group ''{0}'': token {1} had already expired or changed hands", context.group(),
                    Long.toString(token));
        }
        if (state.competing()) {
            chain.scheduleStep(Math.max(0, state.notBeforeNanos() - context.scheduler().nanoTime()));
        }
    }
}
