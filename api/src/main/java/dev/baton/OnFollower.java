package dev.baton;

/** What a {@link Leader}-guarded call does when this participant does not lead the group. */
public enum OnFollower {
    /**
     * Skip when the return type allows it ({@code void}, {@link java.util.Optional}, {@link
     * java.util.concurrent.CompletionStage}), otherwise throw {@link NotLeaderException}.
     */
    DEFAULT,
    /**
     * Always skip. Only valid for {@code void}, {@code Optional} and {@code CompletionStage} return types;
     * anything else fails deployment.
     */
    SKIP,
    /** Always throw {@link NotLeaderException}, whatever the return type. */
    THROW
}
