package io.ratchet.node.model;

import java.util.Comparator;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link FinishedStore} in a map, for unit tests of the model; the real one is {@code RocksFinishedStore}. Gids are
 * ordered as RocksDB orders their UTF-8 keys ({@link GidOrder}), not by {@link String#compareTo}.
 */
public final class InMemoryFinishedStore implements FinishedStore {

    private final ConcurrentHashMap<String, FinishedTransaction> byGid = new ConcurrentHashMap<>();

    private static final Comparator<GlobalTransaction> NEWEST_FIRST = Comparator
            .comparingLong(GlobalTransaction::createTimeMs).reversed()
            .thenComparing(GlobalTransaction::gid, GidOrder.CODE_POINTS);

    @Override
    public FinishedTransaction get(String gid) {
        return byGid.get(gid);
    }

    @Override
    public void put(FinishedTransaction finished, FinishedTransaction replaced, long index, long term) {
        byGid.put(finished.transaction().gid(), finished);
    }

    @Override
    public int expire(long finishedBeforeMs, long maxKept, int maxDeletes, long index, long term) {
        int deleted = 0;
        for (FinishedTransaction f : byGid.values().stream().sorted(Comparator.comparingLong(
                (FinishedTransaction t) -> t.transaction().finishTimeMs())
                .thenComparing(t -> t.transaction().gid(), GidOrder.CODE_POINTS))
                .toList()) {
            boolean old = f.transaction().finishTimeMs() < finishedBeforeMs;
            if (deleted == maxDeletes || (!old && byGid.size() <= maxKept)) {
                break;
            }
            byGid.remove(f.transaction().gid());
            deleted++;
        }
        return deleted;
    }

    @Override
    public long count() {
        return byGid.size();
    }

    @Override
    public long oldestFinishTimeMs() {
        return byGid.values().stream().mapToLong(f -> f.transaction().finishTimeMs()).min().orElse(-1);
    }

    @Override
    public Cursor newestFirst(long createTimeMs, String gid) {
        Iterator<FinishedTransaction> it = byGid.values().stream()
                .filter(f -> gid == null || f.transaction().createTimeMs() < createTimeMs
                        || f.transaction().createTimeMs() == createTimeMs
                        && GidOrder.compare(f.transaction().gid(), gid) > 0)
                .sorted(Comparator.comparing(FinishedTransaction::transaction, NEWEST_FIRST)).iterator();
        return new Cursor() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public FinishedTransaction next() {
                return it.next();
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void close() {
    }
}
