/**
 * The JMH suites: the transition function, the command codec, the journal append, a three-member raft-log group,
 * and a two-branch saga through the HTTP API of an in-process three-node cluster. README "Benchmarks" says how to
 * run them.
 */
package io.ratchet.jmh.benchmarks;
