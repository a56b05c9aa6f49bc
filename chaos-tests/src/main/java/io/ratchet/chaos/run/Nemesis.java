package io.ratchet.chaos.run;

import io.ratchet.chaos.harness.ChaosCluster;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/** Something that hurts the cluster on a seeded schedule while the workload runs, and says what it did. */
interface Nemesis {

    /** One fault: when (ms since the run began), what, on which node. */
    record Fault(long atMs, String what, String node) {
    }

    /** Hurts the cluster until {@code untilNanos}; leaves every node running when it returns. */
    void run(ChaosCluster cluster, long startNanos, long untilNanos, Random random, List<Fault> faults)
            throws Exception;

    /** No faults: the baseline, and the broken build's self-test. */
    Nemesis NONE = (cluster, start, until, random, faults) -> { };

    /** A leader-kill run does at least this many kills, going past its duration if it must. */
    int MIN_LEADER_KILLS = 10;

    /**
     * SIGKILL the leader 3–5 s after the previous one is back; restart it 2–3.5 s later. Goes on past the duration
     * until {@link #MIN_LEADER_KILLS} kills are done.
     */
    Nemesis LEADER_KILL = (cluster, start, until, random, faults) -> {
        int kills = 0;
        while (System.nanoTime() < until || kills < MIN_LEADER_KILLS) {
            sleepMs(3_000 + random.nextInt(2_000));
            Optional<String> leader = cluster.leader();
            if (leader.isEmpty()) {
                continue;
            }
            cluster.kill(leader.get());
            kills++;
            faults.add(new Fault((System.nanoTime() - start) / 1_000_000, "SIGKILL leader", leader.get()));
            sleepMs(2_000 + random.nextInt(1_500));
            cluster.start(leader.get());
            faults.add(new Fault((System.nanoTime() - start) / 1_000_000, "restart", leader.get()));
        }
    };

    /** SIGSTOP a random node (the leader half the time) for twice the longest election timeout, then SIGCONT. */
    Nemesis PAUSE = (cluster, start, until, random, faults) -> {
        while (System.nanoTime() < until) {
            sleepMs(4_000 + random.nextInt(2_000));
            Optional<String> leader = cluster.leader();
            String victim = random.nextBoolean() && leader.isPresent() ? leader.get()
                    : cluster.ids().get(random.nextInt(cluster.ids().size()));
            cluster.pause(victim, true);
            faults.add(new Fault((System.nanoTime() - start) / 1_000_000, "SIGSTOP", victim));
            sleepMs(2_400);
            cluster.pause(victim, false);
            faults.add(new Fault((System.nanoTime() - start) / 1_000_000, "SIGCONT", victim));
        }
    };

    /** The nemesis's schedule: it sleeps between faults on purpose. */
    private static void sleepMs(long ms) throws InterruptedException {
        Thread.sleep(ms);
    }
}
