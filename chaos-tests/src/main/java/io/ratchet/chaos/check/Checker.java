package io.ratchet.chaos.check;

import io.ratchet.chaos.check.History.Saga;
import io.ratchet.chaos.check.History.Effect;
import io.ratchet.chaos.check.History.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Judges a {@link History}: one {@link Verdict} per {@link Invariant}, each with its counter-examples. */
public final class Checker {

    private static final Set<String> TERMINAL = Set.of("succeed", "failed");

    private Checker() {
    }

    public static List<Verdict> check(History h) {
        Map<String, List<Effect>> byGid = new HashMap<>();
        for (Effect e : h.effects()) {
            byGid.computeIfAbsent(e.gid(), g -> new ArrayList<>()).add(e);
        }
        return List.of(noLoss(h), allTerminal(h), compensatedInReverse(h, byGid), noActionAfterAbort(h, byGid),
                moneyConserved(h, byGid), sameJournals(h), oneLeaderPerTerm(h));
    }

    private static Verdict noLoss(History h) {
        List<String> missing = new ArrayList<>();
        for (String gid : h.acknowledged()) {
            h.nodes().forEach((node, held) -> {
                if (held.getOrDefault(gid, "").isEmpty()) {
                    missing.add(gid + " is missing on " + node);
                }
            });
        }
        return new Verdict(Invariant.NO_ACKNOWLEDGED_LOSS, h.acknowledged().size(), missing);
    }

    private static Verdict allTerminal(History h) {
        List<String> open = new ArrayList<>();
        for (String gid : h.acknowledged()) {
            h.nodes().forEach((node, held) -> {
                String status = held.getOrDefault(gid, "");
                if (!status.isEmpty() && !TERMINAL.contains(status)) {
                    open.add(gid + " is " + status + " on " + node);
                }
            });
        }
        return new Verdict(Invariant.ALL_TERMINAL, h.acknowledged().size(), open);
    }

    /** A step counts as started when its action took effect; every started step must be undone, last first. */
    private static Verdict compensatedInReverse(History h, Map<String, List<Effect>> byGid) {
        List<String> wrong = new ArrayList<>();
        for (String gid : h.sagas().keySet()) {
            if (!"failed".equals(agreedStatus(h, gid))) {
                continue;
            }
            List<Effect> effects = byGid.getOrDefault(gid, List.of());
            List<Integer> started = effects.stream().filter(e -> e.op() == Op.ACTION).map(Effect::step).toList();
            List<Integer> compensated = effects.stream().filter(e -> e.op() == Op.COMPENSATE).map(Effect::step)
                    .toList();
            List<Integer> expected = new ArrayList<>(started);
            Collections.reverse(expected);
            if (!compensated.equals(expected)) {
                wrong.add(gid + ": actions " + started + ", compensations " + compensated + ", expected " + expected);
            }
        }
        return new Verdict(Invariant.COMPENSATED_IN_REVERSE, h.sagas().size(), wrong);
    }

    private static Verdict noActionAfterAbort(History h, Map<String, List<Effect>> byGid) {
        List<String> wrong = new ArrayList<>();
        byGid.forEach((gid, effects) -> {
            boolean compensating = false;
            for (Effect e : effects) {
                compensating |= e.op() == Op.COMPENSATE;
                if (compensating && e.op() == Op.ACTION) {
                    wrong.add(gid + ": action of step " + e.step() + " after compensation began " + effects);
                    return;
                }
            }
        });
        return new Verdict(Invariant.NO_ACTION_AFTER_ABORT, byGid.size(), wrong);
    }

    /**
     * Each account's balance is its initial one plus the steps of every saga that succeeded, acknowledged or not
     * (a failed one nets to zero once compensated).
     */
    private static Verdict moneyConserved(History h, Map<String, List<Effect>> byGid) {
        List<String> wrong = new ArrayList<>();
        long total = h.balances().values().stream().mapToLong(Long::longValue).sum();
        if (total != h.initialTotal()) {
            wrong.add("total is " + total + ", was " + h.initialTotal());
        }
        Map<Integer, Long> expected = new LinkedHashMap<>(h.initialBalances());
        for (Saga saga : h.sagas().values()) {
            if ("succeed".equals(agreedStatus(h, saga.gid()))) {
                saga.steps().forEach(t -> expected.merge(t.account(), t.amount(), Long::sum));
            }
        }
        expected.forEach((account, balance) -> {
            long actual = h.balances().getOrDefault(account, 0L);
            if (actual != balance) {
                wrong.add("account " + account + " holds " + actual + ", its succeeded transfers make " + balance);
            }
        });
        return new Verdict(Invariant.MONEY_CONSERVED, expected.size(), wrong);
    }

    private static Verdict sameJournals(History h) {
        List<String> wrong = new ArrayList<>();
        for (History.JournalRange range : h.journals()) {
            if (range.digests().values().stream().distinct().count() > 1) {
                wrong.add("indexes " + range.from() + ".." + range.to() + " differ: " + new TreeMap<>(range.digests()));
            }
        }
        for (History.StoreRange range : h.stores()) {
            if (range.digests().values().stream().distinct().count() > 1) {
                wrong.add("finished stores, keys '" + range.prefix() + "' at index " + range.index() + ", differ: "
                        + new TreeMap<>(range.digests()));
            }
        }
        return new Verdict(Invariant.SAME_JOURNALS, h.journals().size() + h.stores().size(), wrong);
    }

    private static Verdict oneLeaderPerTerm(History h) {
        List<String> wrong = new ArrayList<>();
        h.leadersByTerm().forEach((term, leaders) -> {
            if (leaders.size() > 1) {
                wrong.add("term " + term + " had leaders " + new TreeSet<>(leaders));
            }
        });
        return new Verdict(Invariant.ONE_LEADER_PER_TERM, h.leadersByTerm().size(), wrong);
    }

    /** The status every node agrees on, or "" when they differ or one lacks it. */
    private static String agreedStatus(History h, String gid) {
        String agreed = null;
        for (Map<String, String> held : h.nodes().values()) {
            String status = held.getOrDefault(gid, "");
            if (agreed == null) {
                agreed = status;
            } else if (!agreed.equals(status)) {
                return "";
            }
        }
        return agreed == null ? "" : agreed;
    }
}
