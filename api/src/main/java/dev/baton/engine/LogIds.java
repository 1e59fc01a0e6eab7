package dev.baton.engine;

/**
 * The stable ids of the engine's log lines ({@code BATON-ENG-0001} to {@code 0099}), so that operators can search
 * and alert on them. Every id names one kind of event; ids are never reused for another meaning. The README lists
 * every family of ids ({@code BATON-CDI-}, {@code BATON-ENG-} and one per backend).
 */
final class LogIds {
    /** A grant arrived after its local deadline and is released at once (WARNING). */
    static final String LATE_GRANT = "BATON-ENG-0001";
    /** A leader's renewal was not confirmed before its local deadline: it steps down (WARNING). */
    static final String DEADLINE_MISSED = "BATON-ENG-0002";
    /** This participant's role in a group changed (INFO when wanted, WARNING when lost). */
    static final String ROLE_CHANGED = "BATON-ENG-0003";
    /** A store call of a group failed (WARNING for the first of a run of failures, DEBUG after). */
    static final String STORE_CALL_FAILED = "BATON-ENG-0004";
    /** Closing the store at shutdown failed (WARNING). */
    static final String STORE_CLOSE_FAILED = "BATON-ENG-0005";
    /** A task on Baton's scheduler threw (ERROR): a bug, in Baton or in a store. */
    static final String TASK_FAILED = "BATON-ENG-0006";
    /** Renewing a one-off lease failed; it is retried until its deadline (WARNING). */
    static final String LEASE_RENEWAL_FAILED = "BATON-ENG-0007";
    /** A one-off lease ended against its holder's will (WARNING). */
    static final String LEASE_ENDED = "BATON-ENG-0008";
    /** Releasing a one-off lease failed; it expires by its ttl (WARNING). */
    static final String LEASE_RELEASE_FAILED = "BATON-ENG-0009";
    /** A {@code LeadershipChanged} listener threw (WARNING). */
    static final String LISTENER_FAILED = "BATON-ENG-0010";
    /** An event came after shutdown and was not delivered (WARNING). */
    static final String EVENT_DROPPED = "BATON-ENG-0011";
    /** A callback chained on a leader task's or one-off lease's future threw (WARNING). */
    static final String CALLBACK_FAILED = "BATON-ENG-0012";
    /** Listeners did not finish within the shutdown timeout (WARNING). */
    static final String LISTENERS_TOO_SLOW = "BATON-ENG-0013";
    /** An {@code ElectionObserver} threw (WARNING, once per observer and method). */
    static final String OBSERVER_FAILED = "BATON-ENG-0014";
    /** Baton closed: how long it took and what it released (INFO). */
    static final String CLOSED = "BATON-ENG-0015";
    /**
     * The participant advertises leader metadata but the store keeps none: it acquires without, once per Baton
     * (WARNING).
     */
    static final String METADATA_UNSUPPORTED = "BATON-ENG-0016";

    /**
     * A call on the handle of a group this participant left ({@code LeaderElection.close()}): the id starts the
     * message of the {@link IllegalStateException} thrown, no log line.
     */
    static final String ELECTION_CLOSED = "BATON-ENG-0017";
    /**
     * A store call failed with a {@link VirtualMachineError} (out of memory, stack overflow): the tenure or lease ends
     * at once and the error is rethrown (ERROR).
     */
    static final String FATAL_STORE_ERROR = "BATON-ENG-0018";
    /**
     * A store's {@code takeHandedOver}, which answers from memory, threw: the group acquires as usual at once; a bug in
     * the store (WARNING).
     */
    static final String HANDOVER_TAKE_FAILED = "BATON-ENG-0019";

    private LogIds() {}
}
