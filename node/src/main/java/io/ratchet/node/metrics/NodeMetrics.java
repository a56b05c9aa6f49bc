package io.ratchet.node.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jvm.CachedThreadStatesGaugeSet;
import com.codahale.metrics.jvm.GarbageCollectorMetricSet;
import com.codahale.metrics.jvm.MemoryUsageGaugeSet;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.ratchet.log.MemberStatus;
import io.ratchet.log.ReplicatedLog;
import io.ratchet.log.Role;
import io.ratchet.node.model.ApplyListener;
import io.ratchet.node.model.BranchResult;
import io.ratchet.node.model.Event;
import io.ratchet.node.model.GlobalTransaction;
import io.ratchet.node.model.TransactionStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.ToLongFunction;

/**
 * One node's metrics. Counters move on every node as it applies changes (so any node can be scraped); branch
 * call timers move on the leader, which makes the calls. Thread-safe (Dropwizard metrics are).
 */
public final class NodeMetrics implements ApplyListener {

    private final MetricRegistry registry = new MetricRegistry();
    private final DropwizardExports prometheus = new DropwizardExports(registry);

    private final com.codahale.metrics.Timer apply = registry.timer("ratchet.apply");
    private final com.codahale.metrics.Timer snapshots = registry.timer("ratchet.snapshots");
    private final com.codahale.metrics.Timer checkpoints = registry.timer("ratchet.snapshot.checkpoint");
    private final com.codahale.metrics.Counter expired = registry.counter("ratchet.transactions.expired");
    private final com.codahale.metrics.Timer leaderFirstCommit = registry.timer("ratchet.leader.first_resumed_commit");

    public NodeMetrics(TransactionStore store) {
        registry.register("jvm.memory", new MemoryUsageGaugeSet());
        registry.register("jvm.gc", new GarbageCollectorMetricSet());
        registry.register("jvm.threads", new CachedThreadStatesGaugeSet(10, TimeUnit.SECONDS));
        registry.register("ratchet.transactions.stored", (Gauge<Long>) store::size);
        registry.register("ratchet.transactions.finished_stored", (Gauge<Long>) store::finishedCount);
        registry.register("ratchet.transactions.unfinished", (Gauge<Integer>) store::unfinishedCount);
        // One scan per scrape: the store keeps no index of unfinished transactions by age.
        registry.register("ratchet.transactions.oldest_unfinished_age_ms", (Gauge<Long>) () -> {
            OptionalLong oldest = store.unfinished().stream().mapToLong(GlobalTransaction::createTimeMs).min();
            return oldest.isEmpty() ? 0L : Math.max(0, System.currentTimeMillis() - oldest.getAsLong());
        });
    }

    /** Adds the gauges of the node's log member, once it has started. */
    public void watch(ReplicatedLog log) {
        gauge("ratchet.raft.term", log, MemberStatus::term);
        gauge("ratchet.raft.commit_index", log, MemberStatus::commitIndex);
        gauge("ratchet.raft.applied_index", log, MemberStatus::appliedIndex);
        gauge("ratchet.raft.snapshot_index", log, MemberStatus::snapshotIndex);
        gauge("ratchet.raft.journal_bytes", log, MemberStatus::journalBytes);
        for (Role role : Role.values()) {
            gauge("ratchet.raft.role." + role.name().toLowerCase(java.util.Locale.ROOT), log,
                    s -> s.role() == role ? 1 : 0);
        }
    }

    /** Adds the gauges of the engine: calls running, calls waiting for a slot, transactions waiting for a time. */
    public void watch(IntSupplier callsRunning, IntSupplier callsWaiting, IntSupplier scheduled) {
        registry.register("ratchet.engine.calls_in_flight", (Gauge<Integer>) callsRunning::getAsInt);
        registry.register("ratchet.engine.calls_waiting", (Gauge<Integer>) callsWaiting::getAsInt);
        registry.register("ratchet.engine.scheduled", (Gauge<Integer>) scheduled::getAsInt);
    }

    /** One command applied to the store, in {@code nanos}. */
    public void applied(long nanos) {
        apply.update(nanos, TimeUnit.NANOSECONDS);
    }

    /** One store image written for a snapshot, in {@code nanos}. */
    public void snapshotWritten(long nanos) {
        snapshots.update(nanos, TimeUnit.NANOSECONDS);
    }

    /** The finished store checkpointed for a snapshot (on the apply thread), in {@code nanos}. */
    public void checkpointed(long nanos) {
        checkpoints.update(nanos, TimeUnit.NANOSECONDS);
    }

    /** Finished transactions deleted by retention. */
    public void expired(int count) {
        expired.inc(count);
    }

    /** The time from winning an election to the first commit of the work it resumed. */
    public void leaderFirstCommit(long nanos) {
        leaderFirstCommit.update(nanos, TimeUnit.NANOSECONDS);
    }

    private void gauge(String name, ReplicatedLog log, ToLongFunction<MemberStatus> value) {
        registry.register(name, (Gauge<Long>) () -> value.applyAsLong(log.status()));
    }

    @Override
    public void onApplied(GlobalTransaction after, java.util.List<Event> events) {
        String mode = after.transType().wireName();
        for (Event e : events) {
            if (e instanceof Event.Submitted) {
                registry.counter("ratchet.transactions.submitted." + mode).inc();
            } else if (e instanceof Event.Succeeded) {
                registry.counter("ratchet.transactions.succeed." + mode).inc();
            } else if (e instanceof Event.Failed) {
                registry.counter("ratchet.transactions.failed." + mode).inc();
            } else if (e instanceof Event.Aborting) {
                registry.counter("ratchet.transactions.aborting." + mode).inc();
            } else if (e instanceof Event.BranchRetrying r) {
                registry.counter("ratchet.branch.retries." + r.op().wireName()).inc();
            }
        }
    }

    /** Records one branch call the engine made: how long it took and what it meant. */
    public void branchCall(String op, BranchResult result, long nanos) {
        registry.timer("ratchet.branch.calls." + op + "." + result.name().toLowerCase(java.util.Locale.ROOT))
                .update(nanos, TimeUnit.NANOSECONDS);
    }

    /** The Prometheus text exposition of every metric. */
    public String prometheusText() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ExpositionFormats.init().getPrometheusTextFormatWriter().write(out, prometheus.collect());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Every metric as name → value (counters and gauges) or name → {count, p50_ms, p99_ms} (timers). */
    public Map<String, Object> json() {
        Map<String, Object> all = new TreeMap<>();
        for (Map.Entry<String, Metric> e : registry.getMetrics().entrySet()) {
            Metric m = e.getValue();
            if (m instanceof com.codahale.metrics.Counter c) {
                all.put(e.getKey(), c.getCount());
            } else if (m instanceof Gauge<?> g) {
                all.put(e.getKey(), g.getValue());
            } else if (m instanceof com.codahale.metrics.Timer t) {
                var s = t.getSnapshot();
                all.put(e.getKey(), Map.of("count", t.getCount(), "p50_ms", s.getMedian() / 1e6,
                        "p99_ms", s.get99thPercentile() / 1e6));
            }
        }
        return all;
    }
}
