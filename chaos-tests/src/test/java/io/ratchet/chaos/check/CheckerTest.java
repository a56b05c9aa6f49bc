package io.ratchet.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratchet.chaos.check.History.Effect;
import io.ratchet.chaos.check.History.Op;
import io.ratchet.chaos.check.History.Saga;
import io.ratchet.chaos.check.History.Transfer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The checker on synthetic histories: a consistent run passes every invariant, and each kind of breakage — the
 * broken build's missing last compensation among them — is reported with its gid.
 */
class CheckerTest {

    private static final long START = 1_000;

    /** A run of 200 sagas moving money between 5 accounts; about one in five fails at a random step. */
    private static History consistent(long seed) {
        Random random = new Random(seed);
        Map<Integer, Long> initial = new TreeMap<>();
        for (int a = 1; a <= 5; a++) {
            initial.put(a, START);
        }
        Map<Integer, Long> balances = new TreeMap<>(initial);
        Map<String, Saga> sagas = new LinkedHashMap<>();
        List<Effect> effects = new ArrayList<>();
        Map<String, String> statuses = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            String gid = "g" + i;
            int from = 1 + random.nextInt(5);
            int to = 1 + (from % 5);
            long amount = 1 + random.nextInt(30);
            List<Transfer> steps = random.nextBoolean()
                    ? List.of(new Transfer(from, -amount), new Transfer(to, amount))
                    : List.of(new Transfer(from, -amount), new Transfer(to, amount / 2),
                            new Transfer(1 + (to % 5), amount - amount / 2));
            sagas.put(gid, new Saga(gid, steps, random.nextInt(10) != 0));
            int failAt = random.nextInt(5) == 0 ? random.nextInt(steps.size()) : -1;
            List<Integer> done = new ArrayList<>();
            for (int s = 0; s < steps.size() && s != failAt; s++) {
                effects.add(new Effect(gid, s, Op.ACTION));
                balances.merge(steps.get(s).account(), steps.get(s).amount(), Long::sum);
                done.add(s);
            }
            if (failAt >= 0) {
                for (int k = done.size() - 1; k >= 0; k--) {
                    int s = done.get(k);
                    effects.add(new Effect(gid, s, Op.COMPENSATE));
                    balances.merge(steps.get(s).account(), -steps.get(s).amount(), Long::sum);
                }
            }
            statuses.put(gid, failAt >= 0 ? "failed" : "succeed");
        }
        Map<String, Map<String, String>> nodes = new TreeMap<>();
        for (String node : List.of("n1", "n2", "n3")) {
            nodes.put(node, new HashMap<>(statuses));
        }
        return new History(sagas, nodes, effects, 5 * START, initial, balances,
                Map.of(1L, Set.of("n1"), 2L, Set.of("n2")), List.of(new History.JournalRange(0, 999,
                        Map.of("n1", "ab", "n2", "ab", "n3", "ab"))),
                List.of(new History.StoreRange("74", 900, Map.of("n1", "ef", "n2", "ef", "n3", "ef"))));
    }

    private static Map<Invariant, Verdict> verdicts(History h) {
        Map<Invariant, Verdict> byInvariant = new TreeMap<>();
        Checker.check(h).forEach(v -> byInvariant.put(v.invariant(), v));
        return byInvariant;
    }

    @Test
    void shouldPassAConsistentRun() {
        for (long seed = 1; seed <= 20; seed++) {
            assertThat(verdicts(consistent(seed)).values()).as("seed " + seed).allMatch(Verdict::held);
        }
    }

    @Test
    void shouldCatchTheBrokenBuildThatSkipsTheLastCompensation() {
        History h = consistent(7);
        // what -Dratchet.chaos.broken-compensation does: step 0's compensation reported done, never applied
        String victim = h.effects().stream().filter(e -> e.op() == Op.COMPENSATE && e.step() == 0).findFirst()
                .orElseThrow().gid();
        List<Effect> effects = h.effects().stream()
                .filter(e -> !(e.gid().equals(victim) && e.op() == Op.COMPENSATE && e.step() == 0)).toList();
        Map<Integer, Long> balances = new TreeMap<>(h.balances());
        Transfer first = h.sagas().get(victim).steps().get(0);
        balances.merge(first.account(), first.amount(), Long::sum);
        History broken = new History(h.sagas(), h.nodes(), effects, h.initialTotal(), h.initialBalances(), balances,
                h.leadersByTerm(), h.journals(), h.stores());

        Map<Invariant, Verdict> v = verdicts(broken);

        assertThat(v.get(Invariant.COMPENSATED_IN_REVERSE).held()).isFalse();
        assertThat(v.get(Invariant.COMPENSATED_IN_REVERSE).counterExamples()).singleElement().asString()
                .startsWith(victim + ":");
        assertThat(v.get(Invariant.MONEY_CONSERVED).held()).isFalse();
        assertThat(v.get(Invariant.NO_ACKNOWLEDGED_LOSS).held()).isTrue();
    }

    @Test
    void shouldReportALostOrUnfinishedAcknowledgedSagaOnTheNodeConcerned() {
        History h = consistent(3);
        String gid = h.acknowledged().get(0);
        Map<String, Map<String, String>> nodes = new TreeMap<>(h.nodes());
        Map<String, String> n2 = new HashMap<>(nodes.get("n2"));
        n2.remove(gid);
        nodes.put("n2", n2);
        Map<String, String> n3 = new HashMap<>(nodes.get("n3"));
        String other = h.acknowledged().get(1);
        n3.put(other, "aborting");
        nodes.put("n3", n3);

        Map<Invariant, Verdict> v = verdicts(new History(h.sagas(), nodes, h.effects(), h.initialTotal(),
                h.initialBalances(), h.balances(), h.leadersByTerm(), h.journals(), h.stores()));

        assertThat(v.get(Invariant.NO_ACKNOWLEDGED_LOSS).counterExamples()).containsExactly(gid + " is missing on n2");
        assertThat(v.get(Invariant.ALL_TERMINAL).counterExamples()).containsExactly(other + " is aborting on n3");
    }

    @Test
    void shouldReportAnActionAfterCompensationBegan() {
        History h = consistent(11);
        String failed = h.effects().stream().filter(e -> e.op() == Op.COMPENSATE).findFirst().orElseThrow().gid();
        List<Effect> effects = new ArrayList<>(h.effects());
        int lastOfFailed = 0;
        for (int i = 0; i < effects.size(); i++) {
            if (effects.get(i).gid().equals(failed)) {
                lastOfFailed = i;
            }
        }
        effects.add(lastOfFailed + 1, new Effect(failed, 2, Op.ACTION));

        Map<Invariant, Verdict> v = verdicts(new History(h.sagas(), h.nodes(), effects, h.initialTotal(),
                h.initialBalances(), h.balances(), h.leadersByTerm(), h.journals(), h.stores()));

        assertThat(v.get(Invariant.NO_ACTION_AFTER_ABORT).counterExamples()).singleElement().asString()
                .startsWith(failed + ": action of step 2");
    }

    @Test
    void shouldReportTheRangeWhereOneJournalDiffers() {
        History h = consistent(5);
        List<History.JournalRange> journals = List.of(
                new History.JournalRange(0, 999, Map.of("n1", "ab", "n2", "ab", "n3", "ab")),
                new History.JournalRange(1_000, 1_999, Map.of("n1", "cd", "n2", "ce", "n3", "cd")));

        Map<Invariant, Verdict> v = verdicts(new History(h.sagas(), h.nodes(), h.effects(), h.initialTotal(),
                h.initialBalances(), h.balances(), h.leadersByTerm(), journals, h.stores()));

        assertThat(v.get(Invariant.SAME_JOURNALS).counterExamples())
                .containsExactly("indexes 1000..1999 differ: {n1=cd, n2=ce, n3=cd}");
        assertThat(v.get(Invariant.SAME_JOURNALS).checked()).isEqualTo(3);
        assertThat(verdicts(h).get(Invariant.SAME_JOURNALS).held()).isTrue();
    }

    @Test
    void shouldReportTheKeysWhereOneFinishedStoreDiffers() {
        History h = consistent(5);
        List<History.StoreRange> stores = List.of(new History.StoreRange("74", 900,
                Map.of("n1", "ef", "n2", "ef", "n3", "e0")));

        Map<Invariant, Verdict> v = verdicts(new History(h.sagas(), h.nodes(), h.effects(), h.initialTotal(),
                h.initialBalances(), h.balances(), h.leadersByTerm(), h.journals(), stores));

        assertThat(v.get(Invariant.SAME_JOURNALS).counterExamples())
                .containsExactly("finished stores, keys '74' at index 900, differ: {n1=ef, n2=ef, n3=e0}");
    }

    @Test
    void shouldReportTwoLeadersInOneTerm() {
        History h = consistent(5);
        Map<Long, Set<String>> leaders = Map.of(3L, Set.of("n1"),
                4L, Set.of("n2", "n3"));

        Map<Invariant, Verdict> v = verdicts(new History(h.sagas(), h.nodes(), h.effects(), h.initialTotal(),
                h.initialBalances(), h.balances(), leaders, h.journals(), h.stores()));

        assertThat(v.get(Invariant.ONE_LEADER_PER_TERM).counterExamples())
                .containsExactly("term 4 had leaders [n2, n3]");
        assertThat(verdicts(h).get(Invariant.ONE_LEADER_PER_TERM).held()).isTrue();
    }
}
