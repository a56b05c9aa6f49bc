package io.ratchet.chaos.check;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a chaos run recorded, as the checker needs it.
 *
 * @param sagas        every saga a client submitted, by gid, and whether it got a 2xx for it
 * @param nodes        what each node holds after the run: node id → gid → global status ("" when absent)
 * @param effects      what the bank applied, in the order it applied it
 * @param initialTotal the bank's total balance before the run
 * @param balances     each account's balance after the run
 * @param initialBalances each account's balance before the run
 * @param leadersByTerm the nodes seen saying they led, by term (polled during the run)
 * @param journals      each node's journal digest per range of Raft indexes, over the ranges every node holds
 * @param stores        each node's finished-store digest per key range, read when every node was at the same index
 */
public record History(Map<String, Saga> sagas, Map<String, Map<String, String>> nodes,
                      List<Effect> effects, long initialTotal, Map<Integer, Long> initialBalances,
                      Map<Integer, Long> balances, Map<Long, Set<String>> leadersByTerm, List<JournalRange> journals,
                      List<StoreRange> stores) {

    /** Raft indexes {@code from}..{@code to}: each node's journal digest of them (node → SHA-256). */
    public record JournalRange(long from, long to, Map<String, String> digests) {
    }

    /** The keys starting with {@code prefix} of the finished stores, at Raft index {@code index}: node → SHA-256. */
    public record StoreRange(String prefix, long index, Map<String, String> digests) {
    }

    /**
     * A saga a client submitted: its transfer, one step per account change, in step order. Only an acknowledged
     * one must exist; one that timed out may still have been committed, and then counts like any other.
     */
    public record Saga(String gid, List<Transfer> steps, boolean acknowledged) {
    }

    /** The gids the clients got a 2xx for. */
    public List<String> acknowledged() {
        return sagas.values().stream().filter(Saga::acknowledged).map(Saga::gid).sorted().toList();
    }

    /** One step's change: {@code amount} (negative: out) on {@code account}; its compensation undoes it. */
    public record Transfer(int account, long amount) {
    }

    /** One effect the bank committed behind its barrier: a step's action or compensation. */
    public record Effect(String gid, int step, Op op) {
    }

    public enum Op { ACTION, COMPENSATE }
}
