package io.ratchet.node.store;

/**
 * A digest of a key range of the finished store (see {@link RocksFinishedStore#digest}).
 *
 * @param index  the Raft index of the last change the digest includes (-1: none yet)
 * @param term   that change's term
 * @param keys   how many keys the range holds
 * @param sha256 SHA-256 over each key and value, length-prefixed, in key order (hex)
 */
public record StoreDigest(long index, long term, long keys, String sha256) {
}
