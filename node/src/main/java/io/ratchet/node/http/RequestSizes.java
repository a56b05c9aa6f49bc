package io.ratchet.node.http;

import io.ratchet.api.wire.TransRequest;
import io.ratchet.node.config.RequestLimits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Checks a request against the configured {@link RequestLimits} before it is turned into a command; what passes
 * still has to fit one replicated command ({@code LogOptions.MAX_COMMAND_BYTES}), which {@code DtmApi} checks.
 */
final class RequestSizes {

    private RequestSizes() {
    }

    static void check(RequestLimits limits, TransRequest r) {
        List<Map<String, String>> steps = r.steps();
        if (steps != null) {
            if (steps.size() > limits.maxSteps()) {
                throw new InvalidRequest("steps", "Expected at most " + limits.maxSteps()
                        + " steps (ratchet.limits.max-steps), but got " + steps.size());
            }
            for (int i = 0; i < steps.size(); i++) {
                Map<String, String> step = steps.get(i);
                if (step != null) {
                    for (Map.Entry<String, String> e : step.entrySet()) {
                        if (e.getKey().equals("data")) { // older SDKs' payload
                            payload(limits, e.getValue(), "steps[" + i + "].data");
                        } else {
                            url(limits, e.getValue(), "steps[" + i + "]." + e.getKey());
                        }
                    }
                }
            }
        }
        if (r.payloads() != null) {
            for (int i = 0; i < r.payloads().size(); i++) {
                payload(limits, r.payloads().get(i), "payloads[" + i + "]");
            }
        }
        url(limits, r.queryPrepared(), "query_prepared");
        payload(limits, r.customData(), "custom_data");
    }

    static void checkRegister(RequestLimits limits, Map<String, Object> body) {
        for (String field : List.of("url", "confirm", "cancel")) {
            Object value = body.get(field);
            if (value instanceof String s) {
                url(limits, s, field);
            }
        }
        if (body.get("data") instanceof String data) {
            payload(limits, data, "data");
        }
    }

    private static void url(RequestLimits limits, String url, String field) {
        if (url != null && url.length() > limits.maxUrlLength()) {
            throw new InvalidRequest(field, "Expected a URL of at most " + limits.maxUrlLength()
                    + " characters (ratchet.limits.max-url-length), but got " + url.length());
        }
    }

    private static void payload(RequestLimits limits, String payload, String field) {
        // A char is at most 3 UTF-8 bytes: encode only when the char count alone cannot rule the payload in.
        if (payload != null && payload.length() * 3L > limits.maxPayloadBytes()
                && payload.getBytes(StandardCharsets.UTF_8).length > limits.maxPayloadBytes()) {
            throw new InvalidRequest(field, "Expected at most " + limits.maxPayloadBytes() + " bytes"
                    + " (ratchet.limits.max-payload), but got " + payload.getBytes(StandardCharsets.UTF_8).length);
        }
    }
}
