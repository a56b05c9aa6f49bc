package io.ratchet.node.http;

import io.ratchet.api.wire.DtmResult;
import io.ratchet.node.model.ApplyListener;
import io.ratchet.node.model.BranchResult;
import io.ratchet.node.model.Event;
import io.ratchet.node.model.GlobalTransaction;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * wait_result (PROTOCOL.md §6) on the node that took the request: a waiter hears the first decisive change this
 * node applies — succeeded (200), failed or a branch retrying after an error (409), a branch ONGOING (425); for an
 * abort, failed is the outcome asked for (200), as DTM answers once the cancels or rollbacks ran.
 * Every node applies every entry, so followers answer as well as the leader.
 */
public final class ResultWaiters implements ApplyListener {

    /** What the request waits for: a submit hopes for succeed, an abort for failed. */
    enum Awaited {
        SUBMIT, ABORT
    }

    /** What to answer. */
    record Answer(int status, DtmResult body) {
    }

    private record Waiter(Context context, Awaited awaited, Promise<Answer> promise) {
    }

    private final Map<String, List<Waiter>> waiters = new ConcurrentHashMap<>();

    /** A registered waiter: its answer, and how to give up waiting. */
    record Registration(Future<Answer> answer, Runnable cancel) {
    }

    /** Registers before the submit, so that no change can slip between commit and registration. */
    Registration register(String gid, Awaited awaited, Context context) {
        Promise<Answer> promise = Promise.promise();
        Waiter waiter = new Waiter(context, awaited, promise);
        waiters.computeIfAbsent(gid, g -> new CopyOnWriteArrayList<>()).add(waiter);
        Future<Answer> answer = promise.future().andThen(r -> remove(gid, waiter));
        return new Registration(answer, () -> promise.tryFail("no longer waiting"));
    }

    /** The decisive answer for a transaction's current state, if it has one. */
    static Answer ofState(GlobalTransaction tx, Awaited awaited) {
        return switch (tx.status()) {
            case SUCCEED -> new Answer(200, DtmResult.success());
            case FAILED -> awaited == Awaited.ABORT ? new Answer(200, DtmResult.success())
                    : new Answer(409, DtmResult.failure(tx.rollbackReason()));
            default -> null;
        };
    }

    @Override
    public void onApplied(GlobalTransaction after, List<Event> events) {
        List<Waiter> list = waiters.get(after.gid());
        if (list == null || list.isEmpty()) {
            return;
        }
        for (Waiter w : list) {
            Answer answer = decide(after, events, w.awaited);
            if (answer != null) {
                w.context.runOnContext(v -> w.promise.tryComplete(answer));
            }
        }
    }

    private static Answer decide(GlobalTransaction after, List<Event> events, Awaited awaited) {
        Answer final_ = ofState(after, awaited);
        if (final_ != null) {
            return final_;
        }
        for (Event e : events) {
            if (e instanceof Event.BranchRetrying r) {
                return r.result() == BranchResult.ONGOING
                        ? new Answer(425, DtmResult.ongoing("Branch " + r.branchId() + " " + r.op().wireName()
                        + " answered ONGOING"))
                        : new Answer(409, DtmResult.failure("Branch " + r.branchId() + " " + r.op().wireName()
                        + " is being retried"));
            }
        }
        return null;
    }

    private void remove(String gid, Waiter waiter) {
        waiters.computeIfPresent(gid, (g, list) -> {
            list.remove(waiter);
            return list.isEmpty() ? null : list;
        });
    }
}
