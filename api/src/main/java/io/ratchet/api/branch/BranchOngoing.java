package io.ratchet.api.branch;

/**
 * A branch that cannot decide yet (the work is still running elsewhere), answered as ONGOING (425): the coordinator
 * asks again after its current interval without doubling it.
 */
public class BranchOngoing extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BranchOngoing(String message) {
        super(message);
    }
}
