package io.ratchet.chaos.check;

/** The invariants of the chaos issue the checker judges, in its numbering. */
public enum Invariant {
    NO_ACKNOWLEDGED_LOSS(1, "every acknowledged transaction exists on every node"),
    ALL_TERMINAL(2, "every acknowledged transaction ended (succeed or failed)"),
    COMPENSATED_IN_REVERSE(3, "a failed transaction undid every step that took effect, in reverse order"),
    NO_ACTION_AFTER_ABORT(4, "no action ran after its transaction began undoing"),
    MONEY_CONSERVED(5, "the bank's total is unchanged and each balance is its succeeded transfers"),
    SAME_JOURNALS(6, "the three journals hold the same entries (digest per range of indexes), and the three finished"
            + " stores the same keys and values (digest per key range)"),
    ONE_LEADER_PER_TERM(7, "at most one node led in any term");

    public final int number;
    public final String statement;

    Invariant(int number, String statement) {
        this.number = number;
        this.statement = statement;
    }
}
