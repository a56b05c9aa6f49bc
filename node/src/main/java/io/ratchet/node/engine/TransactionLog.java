package io.ratchet.node.engine;

import io.ratchet.node.model.Branch;
import io.ratchet.node.model.BranchResult;
import io.ratchet.node.model.Event;
import io.ratchet.node.model.GlobalTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The leader's log of transactions, on the logger {@code io.ratchet.tx}: one line per event, each carrying the gid
 * (and the branch and op of a call) as structured key-values, which the text format prints as {@code key=value} and
 * the JSON format as fields. Only the leader writes it, so a transaction is told once, by the node that drove it.
 */
final class TransactionLog {

    private static final Logger LOG = LoggerFactory.getLogger("io.ratchet.tx");

    private TransactionLog() {
    }

    static void applied(GlobalTransaction tx, Event event) {
        String mode = tx.transType().wireName();
        if (event instanceof Event.Submitted) {
            LOG.atInfo().addKeyValue("gid", tx.gid()).addKeyValue("mode", mode).log("{} submitted", mode);
        } else if (event instanceof Event.Succeeded) {
            LOG.atInfo().addKeyValue("gid", tx.gid()).addKeyValue("mode", mode).log("{} succeed", mode);
        } else if (event instanceof Event.Failed) {
            LOG.atInfo().addKeyValue("gid", tx.gid()).addKeyValue("mode", mode).log("{} failed", mode);
        } else if (event instanceof Event.Aborting a) {
            LOG.atInfo().addKeyValue("gid", tx.gid()).addKeyValue("mode", mode).log("{} aborting: {}", mode, a.reason());
        } else if (event instanceof Event.BranchFailed f) {
            LOG.atInfo().addKeyValue("gid", tx.gid()).addKeyValue("branch", f.branchId())
                    .addKeyValue("op", f.op().wireName()).log("branch failed: {}", f.reason());
        } else if (event instanceof Event.BranchRetrying r) {
            LOG.atInfo().addKeyValue("gid", tx.gid()).addKeyValue("branch", r.branchId())
                    .addKeyValue("op", r.op().wireName())
                    .log("branch {} after {} attempts, retrying at {}", r.result(), r.attempts(),
                            java.time.Instant.ofEpochMilli(r.nextAttemptAtMs()));
        }
    }

    /** One branch call: DEBUG when it succeeded, INFO otherwise. */
    static void called(GlobalTransaction tx, Branch branch, String op, BranchAnswer answer, long durationMs) {
        LOG.atLevel(answer.result() == BranchResult.SUCCESS ? Level.DEBUG : Level.INFO)
                .addKeyValue("gid", tx.gid()).addKeyValue("branch", branch.branchId()).addKeyValue("op", op)
                .log("{} {} -> {} in {} ms {}", op, branch.url(), answer.result(), durationMs, answer.message());
    }

    static void aborting(GlobalTransaction tx, String reason) {
        LOG.atInfo().addKeyValue("gid", tx.gid()).log("aborting {}: {}", tx.transType().wireName(), reason);
    }
}
