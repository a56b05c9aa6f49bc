/**
 * The chaos suite ({@code bin/chaos}, and {@code ChaosSmokeIT} in {@code mvn verify}): {@code bank} (the business
 * service process), {@code harness} (node processes and their faults), {@code run} (workload, nemeses, a scenario,
 * the report) and {@code check} (the invariants). The checker's history names every transaction a "saga" for
 * short: TCC transactions and two-phase messages are recorded in the same shape (a transfer, one step per account).
 */
package io.ratchet.chaos;
