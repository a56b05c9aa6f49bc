package io.ratchet.node.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.ratchet.api.GlobalStatus;
import io.ratchet.api.TransType;
import io.ratchet.api.wire.TransRequest;
import io.ratchet.api.wire.WireJson;
import io.ratchet.node.model.Command;
import io.ratchet.node.model.MsgTransitions;
import io.ratchet.node.model.Step;
import io.ratchet.node.model.TransOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns a submit body into a {@link Command.Submit}, checking every field (PROTOCOL.md §1 and §3) and applying
 * DTM's defaults. Throws {@link InvalidRequest} naming the first bad field. Pure.
 */
final class SubmitRequests {

    /** Branch ids and topic names: a narrow alphabet, as before (gids take almost any text, see checkGid). */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    /** The longest gid, in Unicode code points (DTM's column is varchar(128)); at most 512 bytes of UTF-8. */
    static final int GID_MAX_CODE_POINTS = 128;
    private static final long DEFAULT_RETRY_INTERVAL_S = 10;
    private static final long DEFAULT_REQUEST_TIMEOUT_S = 3;

    private SubmitRequests() {
    }

    /**
     * A gid is any text of 1 to {@link #GID_MAX_CODE_POINTS} code points except control characters (Unicode
     * category Cc: U+0000..U+001F and U+007F..U+009F, so \n, \r and \t among them), {@code ;} and unpaired
     * surrogates (they have no UTF-8 form). DTM strips \n, \r and ; from a gid and goes on; Ratchet refuses them
     * instead, deliberately: a silently changed gid would make the application's later query with its own gid miss.
     * Indexes in the messages count code points from 0.
     */
    static void checkGid(String gid) {
        if (gid == null || gid.isEmpty()) {
            throw new InvalidRequest("gid", "gid is required");
        }
        int codePoints = gid.codePointCount(0, gid.length());
        if (codePoints > GID_MAX_CODE_POINTS) {
            throw new InvalidRequest("gid", "Expected a gid of 1 to " + GID_MAX_CODE_POINTS + " characters (Unicode"
                    + " code points), but got " + codePoints);
        }
        int index = 0;
        for (int i = 0; i < gid.length(); index++) {
            int c = gid.codePointAt(i);
            if (c <= Character.MAX_VALUE && Character.isSurrogate((char) c)) {
                throw new InvalidRequest("gid", "Expected a gid of well-formed Unicode, but got an unpaired surrogate"
                        + " " + codePoint(c) + " at index " + index + " (it has no UTF-8 form)");
            }
            if (Character.getType(c) == Character.CONTROL) {
                throw new InvalidRequest("gid", "Expected a gid without control characters, but got " + codePoint(c)
                        + " at index " + index);
            }
            if (c == ';') {
                throw new InvalidRequest("gid", "Expected a gid without ';', but got ';' at index " + index
                        + " (DTM would strip it; Ratchet refuses it, so the gid stays the one the application"
                        + " queries)");
            }
            i += Character.charCount(c);
        }
    }

    private static String codePoint(int c) {
        return String.format("U+%04X", c);
    }

    /** The modes this version runs; msg and workflow are refused naming trans_type until they are built. */
    static TransType transType(String value, java.util.Set<TransType> allowed) {
        if (value == null || value.isEmpty()) {
            throw new InvalidRequest("trans_type", "trans_type is required");
        }
        TransType type = TransType.fromWire(value);
        if (type == null) {
            throw new InvalidRequest("trans_type", "Expected trans_type saga, msg, tcc, xa or workflow, but got '"
                    + value + "'");
        }
        if (!allowed.contains(type)) {
            throw new InvalidRequest("trans_type", "trans_type '" + type.wireName() + "' is not supported here by this"
                    + " Ratchet version; " + allowed.stream().map(TransType::wireName).sorted().toList() + " are");
        }
        return type;
    }

    /** prepare of a tcc, xa or msg transaction. */
    static Command toPrepare(TransRequest r) {
        checkGid(r.gid());
        TransType type = transType(r.transType(), java.util.EnumSet.of(TransType.TCC, TransType.XA, TransType.MSG));
        if (type == TransType.MSG) {
            MsgParts parts = msgParts(r);
            if (r.queryPrepared() != null && !r.queryPrepared().isEmpty()) {
                url(r.queryPrepared(), "query_prepared");
            }
            return new Command.PrepareMessage(r.gid(), parts.steps, parts.payloads, customText(r),
                    r.queryPrepared() == null ? "" : r.queryPrepared(), options(r, Boolean.TRUE.equals(r.concurrent()),
                    Map.of()));
        }
        return new Command.Prepare(r.gid(), type, customText(r), options(r, false, Map.of()));
    }

    private record MsgParts(List<Step> steps, List<String> payloads) {
    }

    /** A message's actions (steps with only an action) and payloads; delay checked in custom_data. */
    private static MsgParts msgParts(TransRequest r) {
        List<Map<String, String>> raw = r.steps() == null ? List.of() : r.steps();
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            if (raw.get(i) == null) {
                throw new InvalidRequest("steps[" + i + "]", "Step " + i + " is null");
            }
            String rawAction = raw.get(i).get("action");
            String action = rawAction != null && rawAction.startsWith(MsgTransitions.TOPIC_SCHEME)
                    ? MsgTransitions.TOPIC_SCHEME + topic(rawAction.substring(MsgTransitions.TOPIC_SCHEME.length()),
                    "steps[" + i + "].action")
                    : url(rawAction, "steps[" + i + "].action");
            steps.add(new Step(action, ""));
        }
        List<String> payloads = payloads(r, steps.size());
        if (r.customData() != null && !r.customData().isBlank()) {
            try {
                long delay = WireJson.mapper().readTree(r.customData()).path("delay").asLong(0);
                if (delay < 0) {
                    throw new InvalidRequest("custom_data.delay", "Expected a delay >= 0 seconds, but got " + delay);
                }
            } catch (java.io.IOException e) {
                throw new InvalidRequest("custom_data", "Expected custom_data to hold JSON: " + e.getMessage());
            }
        }
        return new MsgParts(steps, payloads);
    }

    /** A topic name: the branch id alphabet. */
    static String topic(String name, String field) {
        if (name == null || !ID.matcher(name).matches()) {
            throw new InvalidRequest(field, "Expected a topic name of 1-128 characters of [A-Za-z0-9_.:-], but got '"
                    + name + "'");
        }
        return name;
    }

    static Command.Subscribe toSubscribe(String topic, String url, String remark) {
        return new Command.Subscribe(topic(topic, "topic"), checkedUrl(url, "url"), remark == null ? "" : remark);
    }

    static Command.Unsubscribe toUnsubscribe(String topic, String url) {
        return new Command.Unsubscribe(topic(topic, "topic"), checkedUrl(url, "url"));
    }

    private static String checkedUrl(String url, String field) {
        if (url == null || url.isEmpty()) {
            throw new InvalidRequest(field, field + " is required");
        }
        return url(url, field);
    }

    private static String customText(TransRequest r) {
        return r.customData() == null ? "" : r.customData();
    }

    /** submit of a workflow: req_extra carries the application's final status. */
    private static Command toFinishWorkflow(TransRequest r) {
        Map<String, String> extra = r.reqExtra() == null ? Map.of() : r.reqExtra();
        GlobalStatus status = GlobalStatus.fromWire(String.valueOf(extra.get("status")));
        if (status == null || !status.isFinal()) {
            throw new InvalidRequest("req_extra.status", "Expected req_extra.status succeed or failed, but got '"
                    + extra.get("status") + "'");
        }
        String reason = extra.get("rollback_reason");
        return new Command.FinishWorkflow(r.gid(), status, reason == null ? "" : reason, extra.get("result"));
    }

    /** prepareWorkflow: custom_data holds the workflow's name and data, query_prepared its resume URL. */
    static Command.PrepareWorkflow toPrepareWorkflow(TransRequest r) {
        checkGid(r.gid());
        transType(r.transType() == null ? "workflow" : r.transType(), java.util.EnumSet.of(TransType.WORKFLOW));
        String resume = r.queryPrepared() == null || r.queryPrepared().isEmpty() ? ""
                : url(r.queryPrepared(), "query_prepared");
        return new Command.PrepareWorkflow(r.gid(), workflowCustomData(r), resume, options(r, false, Map.of()));
    }

    /** A workflow's custom_data: JSON with its name and, optionally, its data as base64 (Go's bytes in JSON). */
    private static String workflowCustomData(TransRequest r) {
        String text = customText(r);
        if (text.isBlank()) {
            return text;
        }
        JsonNode custom;
        try {
            custom = WireJson.mapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new InvalidRequest("custom_data", "Expected custom_data to hold JSON: " + e.getMessage());
        }
        JsonNode data = custom.path("data");
        if (!data.isMissingNode() && !data.isNull()) {
            if (!data.isTextual()) {
                throw new InvalidRequest("custom_data.data", "Expected the workflow's data as a base64 string");
            }
            try {
                Base64.getDecoder().decode(data.asText());
            } catch (IllegalArgumentException e) {
                throw new InvalidRequest("custom_data.data", "Expected the workflow's data as base64, but: "
                        + e.getMessage());
            }
        }
        return text;
    }

    static Command toSubmit(TransRequest r) {
        checkGid(r.gid());
        TransType type = transType(r.transType(),
                java.util.EnumSet.of(TransType.SAGA, TransType.TCC, TransType.XA, TransType.MSG, TransType.WORKFLOW));
        if (type == TransType.WORKFLOW) {
            return toFinishWorkflow(r);
        }
        if (type == TransType.MSG) {
            MsgParts parts = msgParts(r);
            return new Command.Submit(r.gid(), type, parts.steps, parts.payloads, customText(r),
                    options(r, Boolean.TRUE.equals(r.concurrent()), Map.of()));
        }
        if (type != TransType.SAGA) {
            return new Command.Submit(r.gid(), type, List.of(), List.of(), r.customData() == null ? "" : r.customData(),
                    options(r, false, Map.of()));
        }
        if (r.protocol() != null && !r.protocol().isEmpty() && !r.protocol().equals("http")) {
            throw new InvalidRequest("protocol", "Expected protocol http, but got '" + r.protocol() + "'");
        }
        // a saga without steps is valid, as in DTM: it succeeds at once
        List<Map<String, String>> rawSteps = r.steps() == null ? List.of() : r.steps();
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < rawSteps.size(); i++) {
            Map<String, String> s = rawSteps.get(i);
            if (s == null) {
                throw new InvalidRequest("steps[" + i + "]", "Step " + i + " is null");
            }
            steps.add(new Step(url(s.get("action"), "steps[" + i + "].action"),
                    url(s.get("compensate"), "steps[" + i + "].compensate")));
        }
        CustomData custom = customData(r.customData(), steps.size());
        return new Command.Submit(r.gid(), type, steps, payloads(r, steps.size()),
                r.customData() == null ? "" : r.customData(), options(r, custom.concurrent, custom.orders));
    }

    /**
     * One payload per step: {@code payloads}, or, when it is absent or empty, each step's {@code data}, where older
     * DTM SDKs put the payload (DTM takes both; a step without data gets an empty payload here, at its own index).
     */
    private static List<String> payloads(TransRequest r, int stepCount) {
        List<String> payloads = new ArrayList<>();
        if (r.payloads() != null && !r.payloads().isEmpty()) {
            if (r.payloads().size() > stepCount) {
                throw new InvalidRequest("payloads", "Expected at most one payload per step (" + stepCount
                        + "), but got " + r.payloads().size());
            }
            r.payloads().forEach(p -> payloads.add(p == null ? "" : p));
            return payloads;
        }
        boolean anyData = false;
        for (int i = 0; i < stepCount; i++) {
            String data = r.steps().get(i).get("data");
            anyData |= data != null && !data.isEmpty();
            payloads.add(data == null ? "" : data);
        }
        return anyData ? payloads : List.of();
    }

    private static TransOptions options(TransRequest r, boolean concurrent, Map<Integer, List<Integer>> orders) {
        long timeoutToFail = seconds(r.timeoutToFail(), "timeout_to_fail");
        long retryInterval = seconds(r.retryInterval(), "retry_interval");
        if (retryInterval == 0) {
            retryInterval = timeoutToFail > 0 && timeoutToFail < DEFAULT_RETRY_INTERVAL_S
                    ? timeoutToFail : DEFAULT_RETRY_INTERVAL_S;
        }
        long requestTimeout = seconds(r.requestTimeout(), "request_timeout");
        if (requestTimeout == 0) {
            requestTimeout = DEFAULT_REQUEST_TIMEOUT_S;
        }
        long retryLimit = r.retryLimit() == null ? 0 : r.retryLimit();
        if (retryLimit < 0) {
            throw new InvalidRequest("retry_limit", "Expected retry_limit >= 0, but got " + retryLimit);
        }
        return new TransOptions(Boolean.TRUE.equals(r.waitResult()), timeoutToFail * 1000,
                retryInterval * 1000, requestTimeout * 1000,
                r.branchHeaders() == null ? Map.of() : headers(r.branchHeaders()), concurrent, retryLimit, orders);
    }

    /** registerBranch (and its aliases): a flat map of strings. */
    static Command toRegister(Map<String, Object> body) {
        String gid = string(body, "gid");
        checkGid(gid);
        TransType type = transType(string(body, "trans_type"),
                java.util.EnumSet.of(TransType.TCC, TransType.XA, TransType.WORKFLOW));
        String branchId = string(body, "branch_id");
        if (branchId == null || !ID.matcher(branchId).matches()) {
            throw new InvalidRequest("branch_id", "Expected branch_id of 1-128 characters of [A-Za-z0-9_.:-], but got '"
                    + branchId + "'");
        }
        String data = string(body, "data");
        if (type == TransType.WORKFLOW) {
            io.ratchet.api.BranchOp op = io.ratchet.api.BranchOp.fromWire(string(body, "op"));
            if (op == null) {
                throw new InvalidRequest("op", "Expected op action, compensate, try, confirm, cancel, msg, commit or"
                        + " rollback, but got '" + string(body, "op") + "'");
            }
            io.ratchet.api.BranchStatus status = io.ratchet.api.BranchStatus.fromWire(string(body, "status"));
            if (status == null) {
                throw new InvalidRequest("status", "Expected status prepared, succeed or failed, but got '"
                        + string(body, "status") + "'");
            }
            return new Command.RecordProgress(gid, branchId, op, status, data == null ? "" : data);
        }
        if (type == TransType.XA) {
            String url = url(string(body, "url"), "url");
            return new Command.RegisterBranch(gid, branchId, data == null ? "" : data, url, url);
        }
        return new Command.RegisterBranch(gid, branchId, data == null ? "" : data,
                url(string(body, "confirm"), "confirm"), url(string(body, "cancel"), "cancel"));
    }

    private static String string(Map<String, Object> body, String field) {
        Object value = body.get(field);
        if (value == null) {
            return null;
        }
        if (value instanceof Map || value instanceof List) {
            throw new InvalidRequest(field, "Expected " + field + " to be a string, but it is " + value);
        }
        return String.valueOf(value);
    }

    private static String url(String url, String field) {
        if (url == null || url.isEmpty()) {
            return "";
        }
        try {
            URI uri = new URI(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new InvalidRequest(field, "Expected an absolute http(s) URL, but got '" + url + "'");
            }
            return url;
        } catch (java.net.URISyntaxException e) {
            throw new InvalidRequest(field, "Expected a URL, but got '" + url + "': " + e.getReason());
        }
    }

    private static long seconds(Long value, String field) {
        if (value == null) {
            return 0;
        }
        if (value < 0 || value > 365L * 24 * 3600) {
            throw new InvalidRequest(field, "Expected " + field + " in seconds between 0 and one year, but got " + value);
        }
        return value;
    }

    private static Map<String, String> headers(Map<String, String> headers) {
        Map<String, String> clean = new HashMap<>();
        headers.forEach((name, value) -> {
            if (name == null || name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
                throw new InvalidRequest("branch_headers", "Invalid header name '" + name + "'");
            }
            if (value != null && (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0)) {
                throw new InvalidRequest("branch_headers." + name, "A header value cannot contain a line break");
            }
            clean.put(name, value == null ? "" : value);
        });
        return clean;
    }

    private record CustomData(boolean concurrent, Map<Integer, List<Integer>> orders) {
    }

    private static CustomData customData(String customData, int steps) {
        if (customData == null || customData.isBlank()) {
            return new CustomData(false, Map.of());
        }
        JsonNode node;
        try {
            node = WireJson.mapper().readTree(customData);
        } catch (Exception e) {
            throw new InvalidRequest("custom_data", "Expected custom_data to hold JSON, but it does not parse: "
                    + e.getMessage());
        }
        boolean concurrent = node.path("concurrent").asBoolean(false);
        Map<Integer, List<Integer>> orders = new HashMap<>();
        if (node.hasNonNull("orders")) {
            Map<String, List<Integer>> raw;
            try {
                raw = WireJson.mapper().convertValue(node.get("orders"), new TypeReference<Map<String, List<Integer>>>() {
                });
            } catch (IllegalArgumentException e) {
                throw new InvalidRequest("custom_data.orders", "Expected orders as {\"step\": [steps it waits for]}");
            }
            for (var e : raw.entrySet()) {
                int step = index(e.getKey(), steps);
                List<Integer> deps = new ArrayList<>();
                for (Integer dep : e.getValue() == null ? List.<Integer>of() : e.getValue()) {
                    if (dep == null || dep < 0 || dep >= steps || dep == step) {
                        throw new InvalidRequest("custom_data.orders." + step, "Expected step indexes in 0.."
                                + (steps - 1) + " other than " + step + ", but got " + dep);
                    }
                    deps.add(dep);
                }
                orders.put(step, List.copyOf(deps));
            }
            checkAcyclic(orders, steps);
        }
        return new CustomData(concurrent, orders);
    }

    private static int index(String key, int steps) {
        try {
            int i = Integer.parseInt(key);
            if (i >= 0 && i < steps) {
                return i;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new InvalidRequest("custom_data.orders", "Expected a step index in 0.." + (steps - 1) + ", but got '"
                + key + "'");
    }

    /** A cycle would leave its steps waiting for each other forever. */
    private static void checkAcyclic(Map<Integer, List<Integer>> orders, int steps) {
        int[] state = new int[steps];
        for (int i = 0; i < steps; i++) {
            visit(i, orders, state);
        }
    }

    private static void visit(int step, Map<Integer, List<Integer>> orders, int[] state) {
        if (state[step] == 2) {
            return;
        }
        if (state[step] == 1) {
            throw new InvalidRequest("custom_data.orders", "The orders form a cycle through step " + step);
        }
        state[step] = 1;
        for (int dep : orders.getOrDefault(step, List.of())) {
            visit(dep, orders, state);
        }
        state[step] = 2;
    }
}
