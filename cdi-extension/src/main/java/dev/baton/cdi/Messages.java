package dev.baton.cdi;

import dev.baton.GroupName;
import dev.baton.spi.Durations;
import dev.baton.spi.LeaderMetadata;
import java.lang.annotation.Annotation;
import java.util.Collection;
import java.util.Locale;

/**
 * Every message the extension reports, each with a stable id so that users can search for it. {@code 00xx} are
 * definition errors (annotations that cannot work), {@code 01xx} configuration errors (deployment problems),
 * {@code 02xx} log messages. Ids are never reused for another meaning.
 */
final class Messages {

    static final String INVALID_LEADER_GROUP = "BATON-CDI-0001";
    static final String NOT_INTERCEPTABLE_METHOD = "BATON-CDI-0002";
    static final String CANNOT_SKIP = "BATON-CDI-0003";
    static final String FINAL_NOT_INTERCEPTABLE = "BATON-CDI-0004";
    static final String INVALID_INJECTED_GROUP = "BATON-CDI-0005";
    static final String INTERFACE_ONLY = "BATON-CDI-0006";
    static final String CONFLICTING_STEREOTYPES = "BATON-CDI-0007";
    static final String GUARDED_CLASS_NOT_LOADABLE = "BATON-CDI-0008";

    static final String NO_MP_CONFIG = "BATON-CDI-0100";
    static final String UNKNOWN_BACKEND = "BATON-CDI-0101";
    static final String NO_BACKEND = "BATON-CDI-0102";
    static final String SEVERAL_BACKENDS = "BATON-CDI-0103";
    static final String BAD_DURATION = "BATON-CDI-0104";
    static final String BAD_TIMING = "BATON-CDI-0105";
    static final String BAD_DEFAULT_GROUP = "BATON-CDI-0106";
    static final String BAD_PARTICIPANT = "BATON-CDI-0107";
    static final String BAD_READINESS = "BATON-CDI-0108";
    static final String BAD_THREADS = "BATON-CDI-0109";
    static final String BACKEND_CONFIG = "BATON-CDI-0110";
    static final String BACKEND_FAILED = "BATON-CDI-0111";
    static final String BACKEND_NOT_LOADABLE = "BATON-CDI-0112";
    static final String BAD_METADATA = "BATON-CDI-0113";

    static final String STARTED = "BATON-CDI-0200";
    static final String BACKEND_AUTO_SELECTED = "BATON-CDI-0201";
    static final String UNUSED_GROUP_CONFIG = "BATON-CDI-0202";
    static final String UNKNOWN_GROUP_KEY = "BATON-CDI-0203";
    static final String BAD_UNUSED_GROUP_CONFIG = "BATON-CDI-0204";
    static final String STOPPED = "BATON-CDI-0205";
    static final String OBSERVER_FAILED = "BATON-CDI-0206";
    static final String AMBIGUOUS_CLIENT = "BATON-CDI-0207";
    static final String METRICS_BOUND = "BATON-CDI-0208";
    static final String METRICS_NOT_BOUND = "BATON-CDI-0209";

    private Messages() {}

    private static String validGroup() {
        return "a group name matches " + GroupName.PATTERN + " with at most " + GroupName.MAX_LENGTH
                + " characters (lower-case letters, digits, inner dashes; e.g. 'reports' or 'billing-eu')";
    }

    static String invalidLeaderGroup(String site, String group) {
        return INVALID_LEADER_GROUP + ": @Leader on " + site + ": '" + group + "' is not a valid group name; "
                + validGroup();
    }

    static String notInterceptable(String site, String why) {
        return NOT_INTERCEPTABLE_METHOD + ": @Leader on " + site + ": the method is " + why
                + ", so CDI cannot intercept it and it would run on every participant unguarded; make it a"
                + " non-private instance method, or call a guarded method from it";
    }

    static String cannotSkip(String site, String returnType) {
        return CANNOT_SKIP + ": @Leader on " + site + ": return type " + returnType
                + " cannot be skipped on a follower; return void/Optional/CompletionStage or set onFollower=THROW";
    }

    static String finalClass(String site, String beanClass) {
        return FINAL_NOT_INTERCEPTABLE + ": @Leader on " + site + ": class " + beanClass
                + " is final, so CDI cannot intercept it and the method would run unguarded; remove 'final'";
    }

    static String finalMethod(String site) {
        return FINAL_NOT_INTERCEPTABLE + ": @Leader on " + site
                + ": the method is final, so CDI cannot intercept it and it would run unguarded; remove 'final'";
    }

    static String invalidInjectedGroup(String injectionPoint, String group) {
        return INVALID_INJECTED_GROUP + ": @ElectionGroup at " + injectionPoint + ": '" + group
                + "' is not a valid group name; " + validGroup();
    }

    static String interfaceOnly(String site, String beanClass) {
        return INTERFACE_ONLY + ": @Leader on " + site + ": CDI ignores interceptor bindings on interface methods, so"
                + " the implementation in bean " + beanClass + " would run unguarded; put @Leader on the bean class's"
                + " method (or on the bean class)";
    }

    static String conflictingStereotypes(String beanClass, Collection<Class<? extends Annotation>> stereotypes) {
        return CONFLICTING_STEREOTYPES + ": bean " + beanClass + " gets different @Leader annotations from its"
                + " stereotypes " + stereotypes.stream().map(c -> "@" + c.getSimpleName()).toList() + ", so which group"
                + " guards it is unclear; keep @Leader on one stereotype, or put @Leader on the bean class itself";
    }

    static String guardedClassNotLoadable(String beanClass, Throwable cause) {
        return GUARDED_CLASS_NOT_LOADABLE + ": bean class " + beanClass + " carries @Leader at build time but cannot"
                + " be loaded when the application starts (" + cause + "), so its guarded methods cannot be checked;"
                + " rebuild the application so that build and run time see the same classes";
    }

    static String noMpConfig() {
        return NO_MP_CONFIG + ": the MicroProfile Config API (org.eclipse.microprofile.config) is not available;"
                + " Baton reads its configuration through it: run on a MicroProfile runtime or add an implementation"
                + " such as SmallRye Config";
    }

    static String unknownBackend(String value, Collection<String> found) {
        return UNKNOWN_BACKEND + ": " + Keys.BACKEND + "='" + value + "' names no backend on the class path; "
                + (found.isEmpty() ? "none was found: add a backend jar such as dev.baton:baton-backend-file"
                        : "valid choices: " + String.join(", ", found));
    }

    static String noBackend() {
        return NO_BACKEND + ": " + Keys.BACKEND + " is not set and no backend is on the class path; add a backend"
                + " jar (dev.baton:baton-backend-file, -jdbc, -redis, -etcd, -zookeeper or -memory) and set "
                + Keys.BACKEND;
    }

    static String severalBackends(Collection<String> found) {
        return SEVERAL_BACKENDS + ": " + Keys.BACKEND + " is not set and several backends are on the class path: "
                + String.join(", ", found) + "; set " + Keys.BACKEND + " to one of them";
    }

    static String badDuration(String key, String value) {
        return BAD_DURATION + ": " + key + "='" + value + "' is invalid; expected " + Durations.VALID_FORMS;
    }

    static String badTiming(String key, String value, String why) {
        return BAD_TIMING + ": " + key + "='" + value + "' is invalid: " + why;
    }

    static String badDefaultGroup(String value) {
        return BAD_DEFAULT_GROUP + ": " + Keys.GROUP + "='" + value + "' is invalid; " + validGroup();
    }

    static String badParticipant(String problem) {
        // The value itself is not shown: it may be 200 characters of anything.
        return BAD_PARTICIPANT + ": " + Keys.PARTICIPANT + " is invalid: " + problem + "; expected a non-blank id of"
                + " at most " + dev.baton.spi.HolderIds.MAX_LENGTH + " characters, well-formed UTF-16, without NUL,"
                + " unique in the cluster";
    }

    static String badReadiness(String key, String value) {
        return BAD_READINESS + ": " + key + "='" + value + "' is invalid; valid choices: "
                + Keys.READINESS_ANY + " (ready while the backend is reachable, the default), "
                + Keys.READINESS_LEADER_ONLY + " (ready only while this participant leads the group)";
    }

    static String badThreads(String value) {
        return BAD_THREADS + ": " + Keys.SCHEDULER_THREADS + "='" + value
                + "' is invalid; expected a whole number from 1 to 64";
    }

    /**
     * @param source the configuration name that set the entry ({@code baton.participant.metadata.<key>}, or an
     *     environment variable and the key it gives)
     * @param problem what {@link LeaderMetadata#problems} says: the entry, the rule and the limit
     */
    static String badMetadata(String source, String problem) {
        // The value is not shown: up to 512 characters of anything, possibly a NUL or half a surrogate pair; the
        // problem says what is wrong with it.
        return BAD_METADATA + ": " + source + " is invalid: " + problem + "; " + validMetadata();
    }

    /** @param problem a problem of all entries together (their number or size) */
    static String badMetadataTogether(String problem) {
        return BAD_METADATA + ": " + Keys.METADATA_PREFIX + "* is invalid: " + problem + "; " + validMetadata();
    }

    /** @param name an environment variable with the metadata prefix that is not the form of any key */
    static String badMetadataVariable(String name) {
        return BAD_METADATA + ": environment variable " + name + " is invalid: after " + Keys.METADATA_ENV_PREFIX
                + " comes the key in upper case, with letters, digits and '_' only (" + Keys.METADATA_ENV_PREFIX
                + "URL sets key 'url', " + Keys.METADATA_ENV_PREFIX + "BUILD_ID key 'build_id'); "
                + validMetadata();
    }

    private static String validMetadata() {
        return "leader metadata is at most " + LeaderMetadata.MAX_ENTRIES + " entries " + Keys.METADATA_PREFIX
                + "<key>=<value>, each key matching " + LeaderMetadata.KEY_PATTERN.pattern()
                + " and not starting with '" + LeaderMetadata.RESERVED_PREFIX + "', each value at most "
                + LeaderMetadata.MAX_VALUE_LENGTH + " characters (well-formed UTF-16, no NUL), keys and values together"
                + " at most "
                + LeaderMetadata.MAX_TOTAL_BYTES + " bytes in UTF-8";
    }

    static String backendConfig(String backend, String detail) {
        return BACKEND_CONFIG + ": backend '" + backend + "' rejected its configuration: " + detail;
    }

    static String backendFailed(String backend, String detail) {
        return BACKEND_FAILED + ": backend '" + backend + "' could not be created: " + detail;
    }

    static String backendNotLoadable(String detail) {
        return BACKEND_NOT_LOADABLE + ": a backend listed in META-INF/services/dev.baton.spi.LeaseStoreFactory could"
                + " not be loaded: " + detail;
    }

    /** @return true when a configuration key may hold a secret whose value must never be shown */
    static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("token") || k.contains("credential");
    }
}
