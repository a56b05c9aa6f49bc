package io.ratchet.api;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The status of a global transaction; {@link #SUCCEED} and {@link #FAILED} are final. */
public enum GlobalStatus {
    PREPARED, SUBMITTED, ABORTING, SUCCEED, FAILED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinal() {
        return this == SUCCEED || this == FAILED;
    }

    /** Parses a wire name, case-insensitively; {@code null} when unknown. */
    public static GlobalStatus fromWire(String name) {
        for (GlobalStatus s : values()) {
            if (s.name().equalsIgnoreCase(name)) {
                return s;
            }
        }
        return null;
    }
}
