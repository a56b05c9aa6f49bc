/**
 * The branch barrier (PROTOCOL.md §8): a table in the business database and a wrapper around the branch's local
 * transaction that makes at-least-once branch calls take effect exactly once, refuses a compensation of work that
 * never happened (null compensation) and blocks a forward op that arrives after its compensation (hanging).
 * Plain JDBC; MySQL, PostgreSQL and H2.
 */
package io.ratchet.api.barrier;
