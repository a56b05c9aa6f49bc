package io.ratchet.api;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The status of one branch row. */
public enum BranchStatus {
    PREPARED, SUCCEED, FAILED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name, case-insensitively; {@code null} when unknown. */
    public static BranchStatus fromWire(String name) {
        for (BranchStatus v : values()) {
            if (v.name().equalsIgnoreCase(name)) {
                return v;
            }
        }
        return null;
    }
}
