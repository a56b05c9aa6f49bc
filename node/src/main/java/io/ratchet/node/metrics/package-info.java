/**
 * The node's metrics: one Dropwizard registry fed by the apply path (transactions by mode and status, retries),
 * the engine (branch call latency by op and result) and the log (Raft role, term, indexes, journal), exposed as
 * Prometheus text and as JSON.
 */
package io.ratchet.node.metrics;
