package io.ratchet.chaos.run;

import io.ratchet.chaos.harness.ChaosCluster;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What hurts the cluster while the workload runs: faults of the given kinds, one at a time in a seeded random
 * order, with a pause of {@code gapMinMs}..{@code gapMaxMs} before each. Each fault undoes itself, and the next waits
 * until every node serves again and one leads (a node takes seconds to start on a busy machine: faster faults would
 * test only a cluster that never got up); a cluster that does not recover within a minute fails the run.
 *
 * @param minLeaderKills goes on past the duration until this many leaders were killed
 */
record Nemesis(List<FaultKind> kinds, int gapMinMs, int gapMaxMs, int minLeaderKills) {

    /** One thing a fault did: when (ms since the run began), what, to which node. */
    record Fault(long atMs, String what, String node) {
        static final String LEADER_KILL = "SIGKILL leader";
    }

    /** Appends a fault's steps to the run's record. */
    interface Record {
        void add(String what, String node);
    }

    /** No faults: the baseline, and the broken build's self-test. */
    static final Nemesis NONE = new Nemesis(List.of(), 0, 0, 0);

    /** The scenario of that name. */
    static Nemesis of(String scenario) {
        return switch (scenario) {
            case "leader-kill" -> new Nemesis(List.of(FaultKind.LEADER_KILL), 1_500, 3_000, 10);
            case "follower-kill" -> new Nemesis(List.of(FaultKind.FOLLOWER_KILL), 3_000, 5_000, 0);
            case "pause" -> new Nemesis(List.of(FaultKind.PAUSE), 4_000, 6_000, 0);
            case "partition" -> new Nemesis(List.of(FaultKind.ISOLATE_LEADER, FaultKind.ISOLATE_FOLLOWER,
                    FaultKind.ONE_WAY_DROP, FaultKind.DELAY), 3_000, 5_000, 0);
            case "restart" -> new Nemesis(List.of(FaultKind.FULL_RESTART, FaultKind.KILL_IN_REPLAY,
                    FaultKind.KILL_IN_SNAPSHOT), 3_000, 5_000, 0);
            case "mixed" -> new Nemesis(List.of(FaultKind.values()), 7_000, 13_000, 0);
            case "none" -> NONE;
            default -> throw new IllegalArgumentException("Unknown scenario " + scenario + "; one of " + SCENARIOS);
        };
    }

    static final List<String> SCENARIOS = List.of("leader-kill", "follower-kill", "pause", "partition", "restart",
            "mixed", "none");

    /** Hurts the cluster until {@code untilNanos} and {@link #minLeaderKills}, adding what it did to {@code faults}. */
    void run(ChaosCluster cluster, long startNanos, long untilNanos, Random random, List<Fault> faults)
            throws Exception {
        Record record = (what, node) -> faults.add(new Fault((System.nanoTime() - startNanos) / 1_000_000, what, node));
        while (!kinds.isEmpty() && (System.nanoTime() < untilNanos || leaderKills(faults) < minLeaderKills)) {
            Thread.sleep(gapMinMs + random.nextInt(gapMaxMs - gapMinMs + 1)); // the schedule's gap between faults
            kinds.get(random.nextInt(kinds.size())).inflict(cluster, random, record);
            awaitRecovered(cluster, TimeUnit.SECONDS.toNanos(60));
        }
    }

    private static void awaitRecovered(ChaosCluster cluster, long withinNanos) throws InterruptedException {
        long deadline = System.nanoTime() + withinNanos;
        while (cluster.leader().isEmpty() || !cluster.ids().stream().allMatch(id -> cluster.status(id).isPresent())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The cluster did not recover (every node serving, one leading) within "
                        + TimeUnit.NANOSECONDS.toSeconds(withinNanos) + " s of the last fault; see " + cluster.dir());
            }
            Thread.sleep(200); // polling for recovery, with a deadline
        }
    }

    static long leaderKills(List<Fault> faults) {
        synchronized (faults) {
            return faults.stream().filter(f -> f.what().equals(Fault.LEADER_KILL)).count();
        }
    }
}
