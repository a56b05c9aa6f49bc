package io.ratchet.log;

/**
 * Told when this member's role changes.
 *
 * <p><b>Contract:</b>
 * <ul>
 *   <li>called on a Ratis thread: hand off to your own thread and return quickly;</li>
 *   <li>{@link Role#LEADER} is reported only once the member is a ready leader <em>and</em> has applied
 *       every entry committed before its term, so the applier's state is complete when a leader starts
 *       acting on it;</li>
 *   <li>{@link Role#FOLLOWER} is reported when another member is known to lead, {@link Role#CANDIDATE} when
 *       this member lost its leadership and knows no leader yet.</li>
 * </ul>
 */
@FunctionalInterface
public interface RoleListener {
    void onRoleChange(Role role, String leaderId, long term);
}
