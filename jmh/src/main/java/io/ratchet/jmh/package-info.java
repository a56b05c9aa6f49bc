/**
 * Benchmarks and load tools: {@code bench} is {@code bin/bench}, {@code benchmarks} the JMH suites;
 * {@link io.ratchet.jmh.RaftLogLoad} measures the replicated log alone (commands per second and latency with N
 * submitters, restart time of a long journal) and {@link io.ratchet.jmh.SagaLoad} drives a running cluster
 * (throughput, and the time from a leader kill to the first resumed branch call).
 */
package io.ratchet.jmh;
