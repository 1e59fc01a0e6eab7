package dev.baton.cdi;

import dev.baton.OnFollower;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** What a guarded call returns on a follower, decided once per method at deployment. */
enum FollowerRule {
    /** {@code void} (and {@code Void}): return normally. */
    RETURN_NULL,
    /** {@link Optional}: empty. */
    EMPTY_OPTIONAL,
    /** {@link OptionalInt}: empty. */
    EMPTY_OPTIONAL_INT,
    /** {@link OptionalLong}: empty. */
    EMPTY_OPTIONAL_LONG,
    /** {@link OptionalDouble}: empty. */
    EMPTY_OPTIONAL_DOUBLE,
    /** {@link CompletionStage} or {@link CompletableFuture}: completed with {@code null}. */
    COMPLETED_STAGE,
    /** Throw {@link dev.baton.NotLeaderException}. */
    THROW;

    /**
     * @param returnType the method's return type
     * @return the rule that skips a call of that return type, or empty when it cannot be skipped
     */
    static Optional<FollowerRule> skipping(Class<?> returnType) {
        if (returnType == void.class || returnType == Void.class) {
            return Optional.of(RETURN_NULL);
        }
        if (returnType == Optional.class) {
            return Optional.of(EMPTY_OPTIONAL);
        }
        if (returnType == OptionalInt.class) {
            return Optional.of(EMPTY_OPTIONAL_INT);
        }
        if (returnType == OptionalLong.class) {
            return Optional.of(EMPTY_OPTIONAL_LONG);
        }
        if (returnType == OptionalDouble.class) {
            return Optional.of(EMPTY_OPTIONAL_DOUBLE);
        }
        // Exactly these two: for any other CompletionStage type we could not build a value of the declared type.
        if (returnType == CompletionStage.class || returnType == CompletableFuture.class) {
            return Optional.of(COMPLETED_STAGE);
        }
        return Optional.empty();
    }

    /**
     * @param onFollower what the annotation asks for
     * @param returnType the method's return type
     * @return the rule, or empty when {@code SKIP} was asked for a return type that cannot be skipped
     */
    static Optional<FollowerRule> resolve(OnFollower onFollower, Class<?> returnType) {
        return switch (onFollower) {
            case THROW -> Optional.of(THROW);
            case SKIP -> skipping(returnType);
            case DEFAULT -> Optional.of(skipping(returnType).orElse(THROW));
        };
    }

    /** @return the value a skipped call returns; never called for {@link #THROW} */
    Object skippedValue() {
        return switch (this) {
            case RETURN_NULL -> null;
            case EMPTY_OPTIONAL -> Optional.empty();
            case EMPTY_OPTIONAL_INT -> OptionalInt.empty();
            case EMPTY_OPTIONAL_LONG -> OptionalLong.empty();
            case EMPTY_OPTIONAL_DOUBLE -> OptionalDouble.empty();
            case COMPLETED_STAGE -> CompletableFuture.completedFuture(null);
            case THROW -> throw new IllegalStateException("THROW has no skipped value");
        };
    }
}
