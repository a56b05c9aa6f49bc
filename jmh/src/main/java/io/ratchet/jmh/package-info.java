/**
 * Benchmarks and load tools. Today: {@link io.ratchet.jmh.RaftLogLoad}, which measures the replicated log alone
 * (commands per second and latency with N submitters, restart time of a long journal). The JMH suites and
 * {@code bin/bench} arrive with the benchmarks issue.
 */
package io.ratchet.jmh;
