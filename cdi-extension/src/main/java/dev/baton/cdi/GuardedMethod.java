package dev.baton.cdi;

import dev.baton.LeaderElection;
import dev.baton.NotLeaderException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * One {@code @Leader} method, resolved once at deployment and looked up per call: no reflection on the hot path.
 *
 * @param group the group whose leader runs the method, already resolved ({@code ""} on the annotation became the
 *     configured default group)
 * @param rule what a call on a follower does
 * @param site the method as users write it, e.g. {@code com.example.Jobs.report()}, for messages
 * @param returnType the declared return type's simple name, for messages
 * @param explicitThrow true when {@code onFollower=THROW} was asked for (changes only the exception's wording)
 */
record GuardedMethod(String group, FollowerRule rule, String site, String returnType, boolean explicitThrow) {

    /**
     * @param election the group's election on this participant
     * @return what the skipped call returns
     * @throws NotLeaderException when the rule says so
     */
    Object onFollower(LeaderElection election) {
        if (rule != FollowerRule.THROW) {
            return rule.skippedValue();
        }
        String leader = election.leader().map(l -> "; the leader is " + l).orElse("; no leader is known yet");
        String why = explicitThrow ? " (onFollower=THROW)"
                : " (its return type " + returnType + " cannot be skipped; see @Leader(onFollower))";
        throw new NotLeaderException(group, "participant " + election.participant() + " does not lead group '"
                + group + "'" + leader + ": " + site + " was not run" + why);
    }

    /** @return the method as users write it: {@code com.example.Jobs.report(String, int)} */
    static String site(Class<?> beanClass, Method method) {
        String params = Arrays.stream(method.getParameterTypes())
                .map(Class::getSimpleName)
                .collect(Collectors.joining(", "));
        return beanClass.getName() + "." + method.getName() + "(" + params + ")";
    }
}
