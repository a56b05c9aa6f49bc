package io.ratchet.node.model;

import java.util.Comparator;

/**
 * The one order of gids: by Unicode code point, which is the unsigned-byte order of their UTF-8 encodings, the order
 * of the finished store's keys. {@link String#compareTo} compares UTF-16 units instead, and the two differ when one
 * gid has a character above U+FFFF (a surrogate pair, e.g. an emoji) where the other has one in U+E000..U+FFFF: the
 * heap and the disk must not disagree there, or {@code all} would merge its two sources out of order.
 */
public final class GidOrder {

    /** Code-point order; for well-formed strings (gids have no unpaired surrogates) it equals UTF-8 byte order. */
    public static final Comparator<String> CODE_POINTS = GidOrder::compare;

    private GidOrder() {
    }

    public static int compare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return rank(x) - rank(y);
            }
        }
        return a.length() - b.length();
    }

    /**
     * Moves the surrogates (U+D800..U+DFFF, the halves of code points above U+FFFF) after U+E000..U+FFFF and keeps
     * everything below U+D800 in place, so that the first differing UTF-16 unit decides as the code points would.
     */
    private static int rank(char c) {
        if (c < Character.MIN_SURROGATE) {
            return c;
        }
        return Character.isSurrogate(c) ? c + 0x2000 : c - 0x800;
    }
}
