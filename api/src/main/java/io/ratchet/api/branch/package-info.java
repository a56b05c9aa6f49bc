/**
 * What a business service needs to answer the coordinator's branch calls correctly (PROTOCOL.md §4), whatever HTTP
 * server it runs: {@link io.ratchet.api.branch.BranchAnswer} turns an outcome into a status code and a DTM body, and
 * {@link io.ratchet.api.branch.BranchFailure} is how business code says "definitely no" as opposed to "try later".
 */
package io.ratchet.api.branch;
