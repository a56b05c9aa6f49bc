package io.ratchet.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The kinds of global transaction, as DTM names them on the wire. */
public enum TransType {
    SAGA, MSG, TCC, XA, WORKFLOW;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name, case-insensitively; {@code null} when unknown. */
    @JsonCreator
    public static TransType fromWire(String name) {
        if (name == null) {
            return null;
        }
        for (TransType t : values()) {
            if (t.name().equalsIgnoreCase(name.trim())) {
                return t;
            }
        }
        return null;
    }
}
