package io.ratchet.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.ratchet.api.GlobalStatus;
import io.ratchet.api.TransType;
import io.ratchet.api.wire.AllResult;
import io.ratchet.api.wire.BranchView;
import io.ratchet.api.wire.TransView;
import io.ratchet.api.wire.DtmResult;
import io.ratchet.api.wire.QueryResult;
import io.ratchet.api.wire.TransRequest;
import io.ratchet.api.wire.WireJson;
import io.ratchet.log.LogException;
import io.ratchet.log.LogOptions;
import io.ratchet.log.ReplicatedLog;
import io.ratchet.node.config.RequestLimits;
import io.ratchet.node.model.ApplyReply;
import io.ratchet.node.model.Command;
import io.ratchet.node.model.CommandCodec;
import io.ratchet.node.model.GlobalTransaction;
import io.ratchet.node.model.TransactionStore;
import io.ratchet.node.security.BranchUrlPolicy;
import io.ratchet.node.security.CommandUrls;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DTM-compatible endpoints under {@code /api/dtmsvr} (PROTOCOL.md §2), for every mode: newGid, prepare,
 * prepareWorkflow, submit, registerBranch and its aliases, abort, forceStop, resetNextCronTime, resetCronTime,
 * subscribe, unsubscribe, DELETE topic, query, all and version. Writes go through the replicated log (a follower's through the leader)
 * and are answered only once committed; reads are linearizable: a log barrier, then this node's store.
 */
public final class DtmApi implements HttpVerticle.Routes {

    private static final Logger LOG = LoggerFactory.getLogger(DtmApi.class);
    /** DTM's version this API follows, with Ratchet's as a semver pre-release, so version checks of tools pass. */
    static final String VERSION = "v1.19.0-ratchet.0.1.0";

    /** DTM's default for resetCronTime: three times the default prepared timeout (35 s). */
    static final long DEFAULT_RESET_CRON_TIMEOUT_S = 3 * 35;
    private static final long WAIT_RESULT_MAX_MS = 30_000;
    /** The routing-context key of the request body decoded by {@link #parse}. */
    private static final String PARSED_REQUEST = "ratchet.transRequest";
    private static final int MAX_PAGE = 1_000;

    private final ReplicatedLog log;
    private final TransactionStore store;
    private final ResultWaiters waiters;
    private final BranchUrlPolicy branchUrls;
    private final Admission admission;
    private final RequestLimits limits;

    /**
     * @param waiters    the node's wait_result registry, shared by its HTTP verticles and fed by its applier
     * @param branchUrls the URLs a request may name; others are refused with 400
     * @param admission  the bound on unfinished transactions; past it new ones are refused with 503
     * @param limits     the sizes a request may have
     */
    public DtmApi(ReplicatedLog log, TransactionStore store, ResultWaiters waiters, BranchUrlPolicy branchUrls,
                  Admission admission, RequestLimits limits) {
        this.log = log;
        this.store = store;
        this.waiters = waiters;
        this.branchUrls = branchUrls;
        this.admission = admission;
        this.limits = limits;
    }

    @Override
    public void mount(Router router) {
        router.get("/api/dtmsvr/newGid").handler(ctx -> send(ctx, 200,
                new NewGid(UUID.randomUUID().toString().replace("-", ""), DtmResult.SUCCESS)));
        router.get("/api/dtmsvr/version").handler(ctx -> send(ctx, 200, new Version(VERSION)));
        router.post("/api/dtmsvr/submit").handler(ctx -> write(ctx, () -> SubmitRequests.toSubmit(checked(ctx))));
        router.post("/api/dtmsvr/prepareWorkflow").handler(this::prepareWorkflow);
        router.post("/api/dtmsvr/prepare").handler(ctx -> write(ctx, () -> SubmitRequests.toPrepare(checked(ctx))));
        for (String alias : List.of("registerBranch", "registerTccBranch", "registerXaBranch")) {
            router.post("/api/dtmsvr/" + alias).handler(ctx -> write(ctx, () -> {
                Map<String, Object> body = parseMap(ctx);
                RequestSizes.checkRegister(limits, body);
                return SubmitRequests.toRegister(body);
            }));
        }
        router.post("/api/dtmsvr/abort").handler(ctx -> write(ctx, () -> {
            TransRequest r = parse(ctx);
            SubmitRequests.checkGid(r.gid());
            SubmitRequests.transType(r.transType(), java.util.EnumSet.of(TransType.TCC, TransType.XA, TransType.MSG));
            String reason = r.rollbackReason() == null || r.rollbackReason().isEmpty()
                    ? "aborted by the application" : r.rollbackReason();
            return new Command.Abort(r.gid(), GlobalStatus.PREPARED, reason);
        }));
        router.post("/api/dtmsvr/forceStop").handler(ctx -> write(ctx, () -> new Command.ForceStop(gidOf(ctx))));
        router.post("/api/dtmsvr/resetNextCronTime")
                .handler(ctx -> write(ctx, () -> new Command.ResetNextAttempt(gidOf(ctx))));
        router.get("/api/dtmsvr/resetCronTime").handler(this::resetCronTime);
        router.route("/api/dtmsvr/subscribe").handler(ctx -> write(ctx, () -> SubmitRequests.toSubscribe(
                param(ctx, "topic"), param(ctx, "url"), param(ctx, "remark"))));
        router.route("/api/dtmsvr/unsubscribe").handler(ctx -> write(ctx, () -> SubmitRequests.toUnsubscribe(
                param(ctx, "topic"), param(ctx, "url"))));
        router.delete("/api/dtmsvr/topic/:name").handler(ctx -> write(ctx, () -> new Command.DeleteTopic(
                SubmitRequests.topic(ctx.pathParam("name"), "topic"))));
        router.get("/api/dtmsvr/query").handler(this::query);
        router.get("/api/dtmsvr/all").handler(this::all);
    }

    record NewGid(String gid, @com.fasterxml.jackson.annotation.JsonProperty("dtm_result") String dtmResult) {
    }

    record Version(String version) {
    }

    /** Validates, replicates and answers one write; with wait_result, answers when the outcome is decided. */
    private void write(RoutingContext ctx, java.util.function.Supplier<Command> decode) {
        Command command;
        boolean reserved;
        try {
            command = decode.get();
            reserved = admit(command);
        } catch (InvalidRequest e) {
            send(ctx, 400, DtmResult.invalid(e.field, e.getMessage()));
            return;
        } catch (Overloaded e) {
            overloaded(ctx);
            return;
        }
        ResultWaiters.Awaited awaited = awaited(ctx, command);
        ResultWaiters.Registration waited = awaited == null ? null
                : waiters.register(command.gid(), awaited, ctx.vertx().getOrCreateContext());
        replicate(ctx, command, reserved, waited, () -> {
            if (waited == null) {
                send(ctx, 200, DtmResult.success());
            } else {
                answerWhenDecided(ctx, command.gid(), awaited, waited);
            }
        });
    }

    /**
     * What a write with wait_result waits for, or null to answer at commit. A submit carries its own options; an
     * abort waits if it says wait_result or, as in DTM, if the transaction was prepared with it.
     */
    private ResultWaiters.Awaited awaited(RoutingContext ctx, Command command) {
        if (command instanceof Command.Submit submit) {
            return submit.options().waitResult() ? ResultWaiters.Awaited.SUBMIT : null;
        }
        if (command instanceof Command.Abort) {
            GlobalTransaction prepared = store.getUnfinished(command.gid());
            boolean asked = Boolean.TRUE.equals(parse(ctx).waitResult()); // parsed once, by the abort's decode
            return asked || prepared != null && prepared.options().waitResult() ? ResultWaiters.Awaited.ABORT : null;
        }
        return null;
    }

    /** Thrown by {@link #admit} when the cluster holds as many unfinished transactions as it may. */
    private static final class Overloaded extends RuntimeException {
        Overloaded() {
            super(null, null, false, false);
        }
    }

    /**
     * Checks the command's URLs (InvalidRequest naming the field) and, when it would start a new transaction,
     * reserves room for it (Overloaded when there is none). Returns whether it holds a reservation, which
     * {@link #replicate} releases.
     */
    private boolean admit(Command command) {
        CommandUrls.firstRefused(command, branchUrls).ifPresent(v -> {
            throw new InvalidRequest(v.field(), v.reason());
        });
        if (!startsNew(command)) {
            return false;
        }
        if (!admission.tryAcquire()) {
            throw new Overloaded();
        }
        return true;
    }

    /** Whether the command would create a transaction not in the store yet (a resubmit or re-prepare does not). */
    private boolean startsNew(Command command) {
        return (command instanceof Command.Submit || command instanceof Command.Prepare
                || command instanceof Command.PrepareMessage || command instanceof Command.PrepareWorkflow)
                && store.getUnfinished(command.gid()) == null; // a finished gid resubmitted only reserves briefly
    }

    private void overloaded(RoutingContext ctx) {
        ctx.response().putHeader("Retry-After", "1");
        send(ctx, 503, new DtmResult(null, "The cluster holds " + admission.maxUnfinished() + " unfinished"
                + " transactions, its limit (ratchet.limits.max-unfinished-transactions); retry later", null));
    }

    /** Submits a command; a refusal is 409, a log failure 503 or 500; otherwise {@code onAccepted} answers. */
    private void replicate(RoutingContext ctx, Command command, boolean reserved, ResultWaiters.Registration waited,
                           Runnable onAccepted) {
        byte[] encoded = CommandCodec.encode(command);
        if (encoded.length > LogOptions.MAX_COMMAND_BYTES) {
            if (reserved) {
                admission.release();
            }
            cancel(waited);
            send(ctx, 400, DtmResult.invalid("body", "Expected a transaction of at most " + LogOptions.MAX_COMMAND_BYTES
                    + " bytes once encoded, but it has " + encoded.length + "; send smaller payloads"));
            return;
        }
        Future.fromCompletionStage(log.submit(encoded), ctx.vertx().getOrCreateContext())
                .onComplete(done -> {
                    if (reserved) {
                        admission.release(); // applied (counted by the store) or refused
                    }
                })
                .onSuccess(bytes -> {
                    ApplyReply reply = ApplyReply.decode(bytes);
                    if (reply.accepted()) {
                        onAccepted.run();
                    } else {
                        cancel(waited);
                        send(ctx, 409, DtmResult.failure(reply.message()));
                    }
                })
                .onFailure(e -> {
                    cancel(waited);
                    logFailure(ctx, e);
                });
    }

    /** A parameter from the query string, or else from a JSON body. */
    private static String param(RoutingContext ctx, String name) {
        String value = ctx.request().getParam(name);
        if (value == null && ctx.body() != null && ctx.body().buffer() != null && ctx.body().length() > 0) {
            Object fromBody = parseMap(ctx).get(name);
            value = fromBody == null ? null : String.valueOf(fromBody);
        }
        return value;
    }

    record WorkflowProgress(TransView transaction, List<BranchView> progresses) {
    }

    /** prepareWorkflow: create the workflow, or find it, and answer with its recorded progress. */
    private void prepareWorkflow(RoutingContext ctx) {
        Command command;
        boolean reserved;
        try {
            command = SubmitRequests.toPrepareWorkflow(checked(ctx));
            reserved = admit(command);
        } catch (InvalidRequest e) {
            send(ctx, 400, DtmResult.invalid(e.field, e.getMessage()));
            return;
        } catch (Overloaded e) {
            overloaded(ctx);
            return;
        }
        // the leader applied it; this node may still be a moment behind: read after a barrier
        replicate(ctx, command, reserved, null, () -> linearizable(ctx)
                .compose(v -> StoreReads.transaction(ctx.vertx(), store, command.gid()))
                .onSuccess(tx -> send(ctx, 200, new WorkflowProgress(Views.of(tx), Views.branches(tx))))
                .onFailure(e -> logFailure(ctx, e)));
    }

    /** The gid of a request that carries only a gid (forceStop, resetNextCronTime). */
    private static String gidOf(RoutingContext ctx) {
        String gid = param(ctx, "gid");
        SubmitRequests.checkGid(gid);
        return gid;
    }

    private void answerWhenDecided(RoutingContext ctx, String gid, ResultWaiters.Awaited awaited,
                                   ResultWaiters.Registration waited) {
        StoreReads.transaction(ctx.vertx(), store, gid)
                .onSuccess(now -> answerWhenDecided(ctx, now, awaited, waited))
                .onFailure(e -> {
                    cancel(waited);
                    logFailure(ctx, e);
                });
    }

    private void answerWhenDecided(RoutingContext ctx, GlobalTransaction now, ResultWaiters.Awaited awaited,
                                   ResultWaiters.Registration waited) {
        ResultWaiters.Answer already = now == null ? null : ResultWaiters.ofState(now, awaited);
        if (already != null) {
            cancel(waited);
            send(ctx, already.status(), already.body());
            return;
        }
        long timer = ctx.vertx().setTimer(WAIT_RESULT_MAX_MS, id -> {
            waited.cancel().run();
            if (!ctx.response().ended()) {
                send(ctx, 425, DtmResult.ongoing("Still processing after " + WAIT_RESULT_MAX_MS / 1000 + " s"));
            }
        });
        waited.answer().onSuccess(answer -> {
            ctx.vertx().cancelTimer(timer);
            if (!ctx.response().ended()) {
                send(ctx, answer.status(), answer.body());
            }
        });
    }

    private static void cancel(ResultWaiters.Registration waited) {
        if (waited != null) {
            waited.cancel().run();
        }
    }

    record ResetCronTime(@com.fasterxml.jackson.annotation.JsonProperty("has_remaining") boolean hasRemaining,
                         @com.fasterxml.jackson.annotation.JsonProperty("succeed_count") int succeedCount) {
    }

    /** Makes due now the unfinished transactions whose next attempt is more than {@code timeout} s away. */
    private void resetCronTime(RoutingContext ctx) {
        long timeoutS;
        int limit;
        try {
            Long t = number(ctx, "timeout");
            timeoutS = t == null ? DEFAULT_RESET_CRON_TIMEOUT_S : Math.max(0, t);
            limit = limit(ctx);
        } catch (InvalidRequest e) {
            send(ctx, 400, DtmResult.invalid(e.field, e.getMessage()));
            return;
        }
        linearizable(ctx).onSuccess(v -> {
            long threshold = System.currentTimeMillis() + timeoutS * 1000;
            List<GlobalTransaction> candidates = store.unfinished().stream()
                    .filter(t -> t.nextAttemptAtMs() > threshold).toList();
            List<Future<Boolean>> resets = candidates.stream().limit(limit)
                    .map(t -> Future.fromCompletionStage(
                            log.submit(CommandCodec.encode(new Command.ResetNextAttempt(t.gid()))),
                            ctx.vertx().getOrCreateContext()).map(bytes -> ApplyReply.decode(bytes).accepted()))
                    .toList();
            Future.join(resets).onComplete(done -> {
                int succeeded = (int) resets.stream().filter(f -> f.succeeded() && f.result()).count();
                send(ctx, 200, new ResetCronTime(candidates.size() > limit, succeeded));
            });
        });
    }

    private void query(RoutingContext ctx) {
        answerOne(ctx, ctx.request().getParam("gid"), tx -> tx == null ? new QueryResult(null, List.of())
                : new QueryResult(Views.of(tx), Views.branches(tx)));
    }

    /** Reads one transaction (null if none) after a linearizable barrier and answers 200 with its view. */
    private void answerOne(RoutingContext ctx, String gid, java.util.function.Function<GlobalTransaction, ?> view) {
        try {
            SubmitRequests.checkGid(gid);
        } catch (InvalidRequest e) {
            send(ctx, 400, DtmResult.invalid(e.field, e.getMessage()));
            return;
        }
        linearizable(ctx).compose(v -> StoreReads.transaction(ctx.vertx(), store, gid))
                .onSuccess(tx -> send(ctx, 200, view.apply(tx)))
                .onFailure(e -> logFailure(ctx, e));
    }

    private void all(RoutingContext ctx) {
        String gid = ctx.request().getParam("gid", "");
        if (!gid.isEmpty()) {
            allOfOneGid(ctx, gid);
            return;
        }
        TransactionStore.Filter filter;
        int limit;
        String position = ctx.request().getParam("position", "");
        try {
            String status = ctx.request().getParam("status");
            GlobalStatus st = status == null || status.isEmpty() ? null : GlobalStatus.fromWire(status);
            if (status != null && !status.isEmpty() && st == null) {
                throw new InvalidRequest("status", "Unknown status '" + status + "'");
            }
            String type = ctx.request().getParam("transType");
            TransType tt = type == null || type.isEmpty() ? null : TransType.fromWire(type);
            if (type != null && !type.isEmpty() && tt == null) {
                throw new InvalidRequest("transType", "Unknown transType '" + type + "'");
            }
            filter = new TransactionStore.Filter(emptyToNull(ctx.request().getParam("gidPrefix")), st, tt,
                    number(ctx, "createTimeStart"), number(ctx, "createTimeEnd"));
            limit = limit(ctx);
            if (!position.isEmpty()) {
                try {
                    TransactionStore.checkPosition(position);
                } catch (IllegalArgumentException e) {
                    throw new InvalidRequest("position", e.getMessage());
                }
            }
        } catch (InvalidRequest e) {
            send(ctx, 400, DtmResult.invalid(e.field, e.getMessage()));
            return;
        }
        linearizable(ctx).compose(v -> StoreReads.offLoop(ctx.vertx(), () -> store.page(filter, position, limit)))
                .onSuccess(page -> send(ctx, 200, new AllResult(page.transactions().stream().map(Views::of).toList(),
                        page.nextPosition())))
                .onFailure(e -> logFailure(ctx, e));
    }

    /** {@code all?gid=}: as DTM, that one transaction or none, whatever the other parameters say. */
    private void allOfOneGid(RoutingContext ctx, String gid) {
        answerOne(ctx, gid, tx -> new AllResult(tx == null ? List.of() : List.of(Views.of(tx)), ""));
    }

    private static Long number(RoutingContext ctx, String name) {
        String value = ctx.request().getParam(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new InvalidRequest(name, "Expected a number for " + name + ", but got '" + value + "'");
        }
    }

    /** The {@code limit} parameter: 100 by default, kept within 1..MAX_PAGE. */
    private static int limit(RoutingContext ctx) {
        Long l = number(ctx, "limit");
        return l == null ? 100 : (int) Math.min(Math.max(l, 1), MAX_PAGE);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Completes once this node has applied everything committed before the read began (Raft ReadIndex). */
    private Future<Void> linearizable(RoutingContext ctx) {
        return linearizable(log, ctx);
    }

    /** The same, on any log; a failure is answered (503 while no leader, else 500) and the future fails. */
    static Future<Void> linearizable(ReplicatedLog log, RoutingContext ctx) {
        return Future.fromCompletionStage(log.query(new byte[0]), ctx.vertx().getOrCreateContext())
                .<Void>mapEmpty()
                .onFailure(e -> logFailure(ctx, e));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parseMap(RoutingContext ctx) {
        if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() <= 0) {
            throw new InvalidRequest("body", "Expected a JSON body");
        }
        byte[] bytes = ctx.body().buffer().getBytes();
        try {
            Object value = WireJson.mapper().readValue(bytes, Object.class);
            if (!(value instanceof Map)) {
                throw new InvalidRequest("body", "Expected a JSON object as the body, but got " + jsonKind(bytes));
            }
            return (Map<String, Object>) value;
        } catch (java.io.IOException e) {
            throw new InvalidRequest("body", "Expected a JSON body: " + e.getMessage());
        }
    }

    /** The transaction of the body, within the size limits. */
    private TransRequest checked(RoutingContext ctx) {
        TransRequest r = parse(ctx);
        RequestSizes.check(limits, r);
        return r;
    }

    /** The request's body as a transaction, decoded once per request (kept in the context for later asks). */
    private static TransRequest parse(RoutingContext ctx) {
        TransRequest parsed = ctx.get(PARSED_REQUEST);
        if (parsed != null) {
            return parsed;
        }
        if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() <= 0) {
            throw new InvalidRequest("body", "Expected a JSON body");
        }
        byte[] bytes = ctx.body().buffer().getBytes();
        try {
            TransRequest request = WireJson.mapper().readValue(bytes, TransRequest.class);
            if (request == null) { // the body is the JSON value null
                throw new InvalidRequest("body", "Expected a JSON object as the body, but got " + jsonKind(bytes));
            }
            ctx.put(PARSED_REQUEST, request);
            return request;
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            if (e.getPath().isEmpty()) { // a number, string, boolean or array instead of an object
                throw new InvalidRequest("body", "Expected a JSON object as the body, but got " + jsonKind(bytes));
            }
            String field = e.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("body");
            throw new InvalidRequest(field, "Wrong type for " + field + ": " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new InvalidRequest("body", "Expected a JSON body: " + e.getMessage());
        }
    }

    /** What kind of JSON value a body that is not an object holds, for the error message. */
    private static String jsonKind(byte[] body) {
        try {
            JsonNode tree = WireJson.mapper().readTree(body);
            if (tree.isNull()) {
                return "null";
            }
            String text = tree.toString();
            return tree.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " "
                    + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
        } catch (java.io.IOException e) {
            return "no JSON value";
        }
    }

    static void logFailure(RoutingContext ctx, Throwable e) {
        if (ctx.response().ended()) {
            return;
        }
        if (e instanceof LogException le && le.retriable()) {
            ctx.response().putHeader("Retry-After", "1");
            send(ctx, 503, new DtmResult(null, "The cluster cannot commit right now: " + e.getMessage(), null));
        } else {
            LOG.error("Request {} {} failed", ctx.request().method(), ctx.request().path(), e);
            send(ctx, 500, new DtmResult(null, String.valueOf(e.getMessage()), null));
        }
    }

    static void send(RoutingContext ctx, int status, Object body) {
        if (ctx.response().ended()) {
            return;
        }
        try {
            ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                    .end(io.vertx.core.buffer.Buffer.buffer(WireJson.mapper().writeValueAsBytes(body)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            ctx.response().setStatusCode(500).end();
        }
    }
}
