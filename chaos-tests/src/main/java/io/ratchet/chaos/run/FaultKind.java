package io.ratchet.chaos.run;

import io.ratchet.chaos.harness.ChaosCluster;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * The faults a {@link Nemesis} inflicts. Each one does its harm, holds it, and undoes it before it returns; the
 * sleeps are the fault's schedule. Raft traffic between nodes goes through the cluster's fault proxies, so the
 * network faults cut Raft; HTTP between nodes (a follower forwarding a submit) is not cut.
 */
enum FaultKind {

    /** SIGKILL the leader; restart it 2–3.5 s later. */
    LEADER_KILL {
        @Override
        void inflict(ChaosCluster cluster, Random random, Nemesis.Record record) throws Exception {
            Optional<String> leader = cluster.leader();
            if (leader.isPresent()) {
                killFor(cluster, leader.get(), Nemesis.Fault.LEADER_KILL, 2_000 + random.nextInt(1_500), record);
            }
        }
    },
    /** SIGKILL a follower; restart it 2–5 s later. */
    FOLLOWER_KILL {
        @Override
        void inflict(ChaosCluster cluster, Random random, Nemesis.Record record) throws Exception {
            Optional<String> follower = follower(cluster, random);
            if (follower.isPresent()) {
                killFor(cluster, follower.get(), "SIGKILL follower", 2_000 + random.nextInt(3_000), record);
            }
        }
    },
    /** SIGSTOP a node (the leader half the time) for twice the longest election timeout, then SIGCONT: stale. */
    PAUSE {
        @Override
        void inflict(ChaosCluster cluster, Random random, Nemesis.Record record) throws Exception {
            Optional<String> leader = cluster.leader();
            String victim = random.nextBoolean() && leader.isPresent() ? leader.get() : any(cluster, random);
            cluster.pause(victim, true);
            record.add("SIGSTOP", victim);
            Thread.sleep(2_400);
            cluster.pause(victim, false);
            record.add("SIGCONT", victim);
        }
    },
    /** Cut the leader off from both followers, both ways, for 3–6 s. */
    ISOLATE_LEADER {
        @Override
        void inflict(ChaosCluster cluster, Random random, Nemesis.Record record) throws Exception {
            Optional<String> leader = cluster.leader();
            if (leader.isPresent()) {
                isolate(cluster, leader.get(), "isolate leader", random, record);
            }
        }
    },
    /** Cut a follower off from the two others, both ways, for 3–6 s. */
    ISOLATE_FOLLOWER {
        @Override
        void inflict(ChaosCluster cluster, Random random, Nemesis.Record record) throws Exception {
            Optional<String> follower = follower(cluster, random);
            if (follower.isPresent()) {
                isolate(cluster, follower.get(), "isolate follower", random, record);
            }
        }
    },
    /** Drop everything one node sends another (one direction only) for 3–6 s. */
    ONE_WAY_DROP {
        @Override
        void inflict(ChaosCluster cluster, Random random, Nemesis.Record record) throws Exception {
            List<String> ids = new ArrayList<>(cluster.ids());
            Collections.shuffle(ids, random);
            cluster.network().block(ids.get(0), ids.get(1));
            record.add("drop " + ids.get(0) + " > " + ids.get(1), ids.get(0));
            Thread.sleep(3_000 + random.nextInt(3_000));
            cluster.network().heal();
            record.add("heal", ids.get(0));
        }
    },
    /** Hold every byte between nodes 100 ms, for 5–8 s. */
    DELAY {
        @Override
        void inflict(ChaosCluster cluster, Random random, Nemesis.Record record) throws Exception {
            cluster.network().delay(100);
            record.add("delay 100 ms", "*");
            Thread.sleep(5_000 + random.nextInt(3_000));
            cluster.network().heal();
            record.add("heal", "*");
        }
    },
    /** SIGKILL all three in a random order; restart them in another random order, up to 1 s apart. */
    FULL_RESTART {
        @Override
        void inflict(ChaosCluster cluster, Random random, Nemesis.Record record) throws Exception {
            List<String> ids = new ArrayList<>(cluster.ids());
            Collections.shuffle(ids, random);
            for (String id : ids) {
                cluster.kill(id);
                record.add("SIGKILL (whole cluster)", id);
            }
            Thread.sleep(1_000 + random.nextInt(1_000));
            Collections.shuffle(ids, random);
            for (String id : ids) {
                cluster.start(id);
                record.add("restart", id);
                Thread.sleep(random.nextInt(1_000));
            }
        }
    },
    /**
     * SIGKILL a node, restart it, and SIGKILL it again 0.3–2 s into its start, while it restores its snapshot and
     * replays its journal if the timing hits it (the record says whether it had finished, from its log).
     */
    KILL_IN_REPLAY {
        @Override
        void inflict(ChaosCluster cluster, Random random, Nemesis.Record record) throws Exception {
            String victim = any(cluster, random);
            cluster.kill(victim);
            record.add("SIGKILL", victim);
            Thread.sleep(1_000 + random.nextInt(1_000));
            long logBefore = Files.size(cluster.log(victim));
            cluster.start(victim);
            record.add("restart", victim);
            Thread.sleep(300 + random.nextInt(1_700));
            cluster.kill(victim);
            record.add(recovered(cluster.log(victim), logBefore) ? "SIGKILL after replay" : "SIGKILL during replay",
                    victim);
            Thread.sleep(1_000);
            cluster.start(victim);
            record.add("restart", victim);
        }
    },
    /**
     * Ask a node for a snapshot and SIGKILL it 0–30 ms later, mid-write when the timing hits it (the record says
     * whether the snapshot had answered); restart 2 s later.
     */
    KILL_IN_SNAPSHOT {
        @Override
        void inflict(ChaosCluster cluster, Random random, Nemesis.Record record) throws Exception {
            String victim = any(cluster, random);
            CompletableFuture<HttpResponse<String>> snapshot = cluster.requestSnapshot(victim);
            Thread.sleep(random.nextInt(31));
            cluster.kill(victim);
            String when = "SIGKILL before the snapshot answered";
            if (snapshot.isDone() && !snapshot.isCompletedExceptionally()) {
                int status = snapshot.join().statusCode();
                when = status == 200 ? "SIGKILL after the snapshot" : "SIGKILL (snapshot refused with " + status + ")";
            }
            record.add(when, victim);
            Thread.sleep(2_000);
            cluster.start(victim);
            record.add("restart", victim);
        }
    };

    abstract void inflict(ChaosCluster cluster, Random random, Nemesis.Record record) throws Exception;

    private static void killFor(ChaosCluster cluster, String id, String what, long downMs, Nemesis.Record record)
            throws Exception {
        cluster.kill(id);
        record.add(what, id);
        Thread.sleep(downMs);
        cluster.start(id);
        record.add("restart", id);
    }

    private static void isolate(ChaosCluster cluster, String id, String what, Random random, Nemesis.Record record)
            throws InterruptedException {
        cluster.network().isolate(id, cluster.ids());
        record.add(what, id);
        Thread.sleep(3_000 + random.nextInt(3_000));
        cluster.network().heal();
        record.add("heal", id);
    }

    private static Optional<String> follower(ChaosCluster cluster, Random random) {
        Optional<String> leader = cluster.leader();
        if (leader.isEmpty()) {
            return Optional.empty();
        }
        List<String> others = cluster.ids().stream().filter(id -> !id.equals(leader.get())).toList();
        return Optional.of(others.get(random.nextInt(others.size())));
    }

    private static String any(ChaosCluster cluster, Random random) {
        return cluster.ids().get(random.nextInt(cluster.ids().size()));
    }

    /** Whether the node logged the end of its recovery after {@code offset} in its log. */
    private static boolean recovered(Path log, long offset) throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                StandardCharsets.UTF_8).contains("recovered to index");
    }
}
