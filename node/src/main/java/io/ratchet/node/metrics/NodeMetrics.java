package io.ratchet.node.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.ratchet.log.MemberStatus;
import io.ratchet.log.ReplicatedLog;
import io.ratchet.node.model.ApplyListener;
import io.ratchet.node.model.BranchResult;
import io.ratchet.node.model.Event;
import io.ratchet.node.model.GlobalTransaction;
import io.ratchet.node.model.TransactionStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * One node's metrics. Counters move on every node as it applies changes (so any node can be scraped); branch
 * call timers move on the leader, which makes the calls. Thread-safe (Dropwizard metrics are).
 */
public final class NodeMetrics implements ApplyListener {

    private final MetricRegistry registry = new MetricRegistry();
    private final DropwizardExports prometheus = new DropwizardExports(registry);

    public NodeMetrics(ReplicatedLog log, TransactionStore store) {
        gauge("ratchet.raft.term", log, MemberStatus::term);
        gauge("ratchet.raft.commit_index", log, MemberStatus::commitIndex);
        gauge("ratchet.raft.applied_index", log, MemberStatus::appliedIndex);
        gauge("ratchet.raft.snapshot_index", log, MemberStatus::snapshotIndex);
        gauge("ratchet.raft.journal_bytes", log, MemberStatus::journalBytes);
        gauge("ratchet.raft.is_leader", log, s -> s.role() == io.ratchet.log.Role.LEADER ? 1 : 0);
        registry.register("ratchet.transactions.stored", (Gauge<Integer>) store::size);
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
