package io.ratchet.node.config;

import java.time.Duration;

/**
 * How long finished transactions stay queryable (ratchet.retention): past {@code finishedFor}, or beyond
 * {@code maxFinished} of them (whichever comes first), the leader has them deleted on every member.
 *
 * @param sweepInterval how often the leader checks whether anything is past retention
 */
public record Retention(Duration finishedFor, long maxFinished, Duration sweepInterval) {
}
