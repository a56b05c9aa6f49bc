package io.ratchet.node.model;

import io.ratchet.api.BranchOp;
import io.ratchet.api.BranchStatus;
import io.ratchet.api.TransType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds saga commands and applies them through {@link Transitions} with a test-controlled clock. */
public final class SagaFixture {

    public long nowMs = 1_000_000;
    public GlobalTransaction tx;
    public final List<Event> events = new ArrayList<>();

    public static Command.Submit saga(String gid, int steps, boolean concurrent, Map<Integer, List<Integer>> orders,
                                      long retryLimit) {
        List<Step> list = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            list.add(new Step("http://svc/a" + i, "http://svc/c" + i));
            payloads.add("{\"step\":" + i + "}");
        }
        return new Command.Submit(gid, TransType.SAGA, list, payloads, "",
                new TransOptions(false, 0, 10_000, 3_000, Map.of(), concurrent, retryLimit, orders));
    }

    public Outcome apply(Command command) {
        Outcome outcome = Transitions.apply(tx, command, nowMs);
        if (outcome instanceof Outcome.Accepted a) {
            tx = a.after();
            events.addAll(a.events());
        }
        return outcome;
    }

    public Outcome report(int step, BranchOp op, BranchResult result) {
        return apply(new Command.ReportBranch(tx.gid(), GlobalTransaction.branchId(step), op, BranchStatus.PREPARED,
                result, result == BranchResult.FAILURE ? "insufficient funds FAILURE" : ""));
    }

    /** Branch statuses in row order: compensate, action, compensate, action, ... */
    public List<String> rowStatuses() {
        return tx.branches().stream().map(b -> b.status().wireName()).toList();
    }
}
