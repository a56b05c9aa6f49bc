/**
 * The chaos suite ({@code bin/chaos}, and {@code ChaosSmokeIT} in {@code mvn verify}): {@code bank} (the business
 * service process), {@code harness} (node processes and their faults), {@code run} (workload, nemeses, a scenario,
 * the report) and {@code check} (the invariants). Not built yet: network faults through a TCP proxy, kills during
 * snapshot and replay, full-cluster restarts, TCC and msg in the workload, invariant 6.
 */
package io.ratchet.chaos;
