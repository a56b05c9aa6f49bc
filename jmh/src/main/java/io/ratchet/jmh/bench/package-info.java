/**
 * {@code bin/bench}: a real three-process cluster and a business-service process, measured beside the two
 * ceilings of the same machine (HTTP round trips without a coordinator, raw raft-log commands), with a table, a JSON
 * report and an SVG chart under {@code target/bench/}.
 */
package io.ratchet.jmh.bench;
