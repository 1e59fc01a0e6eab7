package dev.baton;

/** The role of one participant in one group. */
public enum Role {
    /** Holds a valid grant: guarded work runs here. */
    LEADER,
    /** Does not hold a valid grant (another participant may or may not lead). */
    FOLLOWER
}
