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
}
