package io.ratchet.node.engine;

import io.ratchet.log.ReplicatedLog;
import io.ratchet.log.Role;
import io.ratchet.node.model.ApplyReply;
import io.ratchet.node.model.Command;
import io.ratchet.node.model.CommandCodec;
import io.ratchet.node.model.TransactionStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the leader, proposes {@link Command.ExpireFinished} every so often while finished transactions are past their
 * retention (by age or by number). The local clock only decides when to propose; what is deleted is decided at
 * apply, from the entry's time and the limits in the command, so every member deletes the same transactions.
 */
public final class RetentionSweeper extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionSweeper.class);
    /** Deletions per command: one apply of them stays in the low milliseconds; a backlog takes several commands. */
    static final int MAX_DELETES_PER_COMMAND = 5_000;

    private final ReplicatedLog log;
    private final TransactionStore store;
    private final long retainMs;
    private final long maxFinished;
    private final long intervalMs;
    private final LongSupplier clock;
    private Context sweeperContext;
    private boolean leader;
    private boolean sweeping;
    private long timerId = -1;

    /**
     * @param retain      finished transactions older than this are deleted
     * @param maxFinished beyond this many, the oldest finished ones are deleted
     * @param interval    how often the leader looks
     */
    public RetentionSweeper(ReplicatedLog log, TransactionStore store, Duration retain, long maxFinished,
                            Duration interval, LongSupplier clock) {
        this.log = log;
        this.store = store;
        this.retainMs = retain.toMillis();
        this.maxFinished = maxFinished;
        this.intervalMs = Math.max(1, interval.toMillis());
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        sweeperContext = context;
        log.addRoleListener((role, leaderId, term) -> sweeperContext.runOnContext(v -> onRole(role)));
        return Future.succeededFuture();
    }

    private void onRole(Role role) {
        leader = role == Role.LEADER;
        if (leader && timerId < 0) {
            timerId = vertx.setPeriodic(intervalMs, id -> sweep());
        } else if (!leader && timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
    }

    /** Whether anything is past retention now, as this node sees its store (volatile reads, no disk). */
    boolean due() {
        long oldest = store.oldestFinishTimeMs();
        return oldest >= 0 && (oldest < clock.getAsLong() - retainMs || store.finishedCount() > maxFinished);
    }

    private void sweep() {
        if (!leader || sweeping || !due()) {
            return;
        }
        sweeping = true;
        byte[] command = CommandCodec.encode(new Command.ExpireFinished(retainMs, maxFinished, MAX_DELETES_PER_COMMAND));
        Future.fromCompletionStage(log.submit(command), sweeperContext).onComplete(done -> {
            sweeping = false;
            if (done.failed()) {
                LOG.debug("Retention sweep not committed ({}); the next tick tries again", done.cause().toString());
                return;
            }
            int deleted = Integer.parseInt(ApplyReply.decode(done.result()).status());
            LOG.debug("Retention deleted {} finished transactions", deleted);
            if (deleted == MAX_DELETES_PER_COMMAND) {
                sweep(); // a backlog: go on at once
            }
        });
    }
}
