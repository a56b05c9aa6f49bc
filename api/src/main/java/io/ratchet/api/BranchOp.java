package io.ratchet.api;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a branch call asks the service to do; sent as the {@code op} query parameter. */
public enum BranchOp {
    ACTION, COMPENSATE, TRY, CONFIRM, CANCEL, MSG, COMMIT, ROLLBACK;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name, case-insensitively; {@code null} when unknown. */
    public static BranchOp fromWire(String name) {
        for (BranchOp v : values()) {
            if (v.name().equalsIgnoreCase(name)) {
                return v;
            }
        }
        return null;
    }
}
