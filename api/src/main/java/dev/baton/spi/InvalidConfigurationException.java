package dev.baton.spi;

import java.util.Optional;

/**
 * A configuration value is missing or invalid. The message names the key, the value (unless it is a secret) and
 * what would be valid; in a container the deployment fails with it.
 */
public class InvalidConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final String value;
    private final String valid;

    /**
     * @param key the configuration key
     * @param value the bad value, or null when missing (pass null for secrets too)
     * @param valid what would be valid
     */
    public InvalidConfigurationException(String key, String value, String valid) {
        super(value == null ? key + " is not set; expected " + valid
                : key + "='" + value + "' is invalid; expected " + valid);
        this.key = key;
        this.value = value;
        this.valid = valid;
    }

    /** @return the configuration key */
    public String key() {
        return key;
    }

    /** @return the bad value, empty when missing or secret */
    public Optional<String> value() {
        return Optional.ofNullable(value);
    }

    /** @return what would be valid */
    public String valid() {
        return valid;
    }
}
