/**
 * The chaos suite. Built so far: {@code check}, the checker of invariants 1–5 of the chaos issue on a recorded
 * history, unit-tested on synthetic runs (including the broken build that skips the last compensation). Not built
 * yet: the harness (node processes and the bank process), the nemeses, the workload, the journal and leader
 * invariants (6, 7), the report and {@code bin/chaos}.
 */
package io.ratchet.chaos;
