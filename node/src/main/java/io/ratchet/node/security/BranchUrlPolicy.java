package io.ratchet.node.security;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which URLs the coordinator may call (branch, back-check, resume and subscriber URLs): a URL is allowed when its
 * scheme, its host and its port each match one of the configured entries. Hosts: {@code *}, a name, a
 * {@code *.suffix}, an IP literal or a CIDR block. A CIDR matches only IP literals: the policy never resolves names
 * (that would block, and a name can be re-pointed after the check), so to fence off internal networks, allow names
 * explicitly rather than relying on CIDRs alone.
 */
public final class BranchUrlPolicy {

    /** Everything, as a fresh local cluster needs. */
    public static final BranchUrlPolicy ALLOW_ALL = new BranchUrlPolicy(List.of("http", "https"), List.of("*"),
            List.of("*"));

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final List<String> schemes;
    private final List<HostRule> hosts;
    private final List<PortRange> ports;

    /** Throws IllegalArgumentException naming the entry that is not a scheme, host rule or port (range). */
    public BranchUrlPolicy(List<String> schemes, List<String> hosts, List<String> ports) {
        this.schemes = schemes.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
        this.hosts = hosts.stream().map(HostRule::parse).toList();
        this.ports = ports.stream().map(PortRange::parse).toList();
    }

    /** Why {@code url} may not be called, or empty when it may. */
    public Optional<String> refusal(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("'" + url + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!schemes.contains(scheme)) {
            return Optional.of("scheme '" + scheme + "' of '" + url + "' is not allowed (allowed: " + schemes + ")");
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String h = host;
        if (hosts.stream().noneMatch(rule -> rule.matches(h))) {
            return Optional.of("host '" + host + "' of '" + url + "' is not allowed by ratchet.security.branch-urls.hosts");
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        if (ports.stream().noneMatch(range -> range.contains(port))) {
            return Optional.of("port " + port + " of '" + url + "' is not allowed by ratchet.security.branch-urls.ports");
        }
        return Optional.empty();
    }

    private record PortRange(int from, int to) {
        static PortRange parse(String entry) {
            if (entry.equals("*")) {
                return new PortRange(0, 65535);
            }
            try {
                int dash = entry.indexOf('-');
                PortRange r = dash < 0 ? new PortRange(Integer.parseInt(entry), Integer.parseInt(entry))
                        : new PortRange(Integer.parseInt(entry.substring(0, dash)), Integer.parseInt(entry.substring(dash + 1)));
                if (r.from < 0 || r.to > 65535 || r.from > r.to) {
                    throw new NumberFormatException();
                }
                return r;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Expected a port, a range like 8000-8999, or *, but got '" + entry + "'");
            }
        }

        boolean contains(int port) {
            return port >= from && port <= to;
        }
    }

    /** One host entry: any, exact name or literal, name suffix, or CIDR block. */
    private record HostRule(String exact, String suffix, byte[] network, int prefixBits) {

        static HostRule parse(String entry) {
            String e = entry.toLowerCase(Locale.ROOT).trim();
            if (e.isEmpty()) {
                throw new IllegalArgumentException("Expected a host rule, but got an empty one");
            }
            if (e.equals("*")) {
                return new HostRule(null, "", null, 0);
            }
            if (e.startsWith("*.")) {
                return new HostRule(null, e.substring(1), null, 0);
            }
            int slash = e.indexOf('/');
            if (slash > 0) {
                byte[] network = literal(e.substring(0, slash))
                        .orElseThrow(() -> new IllegalArgumentException("Expected an IP address before / in '" + entry + "'"));
                int bits;
                try {
                    bits = Integer.parseInt(e.substring(slash + 1));
                } catch (NumberFormatException ex) {
                    bits = -1;
                }
                if (bits < 0 || bits > network.length * 8) {
                    throw new IllegalArgumentException("Expected a prefix length of 0.." + network.length * 8 + " in '"
                            + entry + "'");
                }
                return new HostRule(null, null, network, bits);
            }
            return new HostRule(e, null, null, 0);
        }

        boolean matches(String host) {
            if (exact != null) {
                return exact.equals(host);
            }
            if (suffix != null) {
                return suffix.isEmpty() || host.endsWith(suffix);
            }
            Optional<byte[]> address = literal(host);
            if (address.isEmpty() || address.get().length != network.length) {
                return false;
            }
            byte[] a = address.get();
            for (int bit = 0; bit < prefixBits; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        /** The bytes of an IP literal, without any name lookup; empty for a name. */
        private static Optional<byte[]> literal(String host) {
            if (IPV4.matcher(host).matches()) {
                for (String octet : host.split("\\.")) {
                    if (Integer.parseInt(octet) > 255) {
                        return Optional.empty(); // not a literal; getByName would look it up as a name
                    }
                }
            } else if (!host.contains(":")) {
                return Optional.empty();
            }
            try {
                // A literal is parsed, not looked up.
                return Optional.of(InetAddress.getByName(host).getAddress());
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
    }
}
