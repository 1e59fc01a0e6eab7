package dev.baton;

import java.util.regex.Pattern;

/**
 * Rules for group names: lower-case letters, digits and inner dashes, so that every per-group configuration key
 * ({@code baton.groups.<group>.ttl}) has an obvious environment-variable form.
 */
public final class GroupName {

    /** The pattern every group name matches. */
    public static final String PATTERN = "[a-z0-9]([a-z0-9-]*[a-z0-9])?";

    /** The longest group name accepted. */
    public static final int MAX_LENGTH = 63;

    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    private GroupName() {}

    /**
     * @param name a candidate group name
     * @return true when {@code name} is a valid group name
     */
    public static boolean isValid(String name) {
        return name != null && name.length() <= MAX_LENGTH && COMPILED.matcher(name).matches();
    }

    /**
     * @param name a candidate group name
     * @return {@code name}
     * @throws IllegalArgumentException naming the bad value and the valid form
     */
    public static String requireValid(String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException("invalid group name '" + name + "': a group name matches "
                    + PATTERN + " and has at most " + MAX_LENGTH + " characters (for example 'reports' or 'billing-eu')");
        }
        return name;
    }
}
