package io.ratchet.jmh.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options of {@code bin/bench}.
 *
 * @param durationS    seconds of each measured Ratchet phase (saturation, fixed rate)
 * @param warmupS      seconds of unmeasured saturation load first, so the JIT has compiled the hot paths
 * @param rate         offered sagas/s of the fixed-rate phase; 0 = half the measured saturation rate
 *                     (with {@code --soak}: {@link Soak#DEFAULT_RATE})
 * @param concurrency  requests in flight at most
 * @param branches     steps per saga
 * @param payloadBytes bytes of each step's payload
 * @param waitResult   submit with wait_result (the answer waits for the saga's end)
 * @param rounds       how many times the ceilings and the saturation phase alternate
 * @param profile      record JFR on the nodes during the saturation phases and summarise where their CPU went
 * @param soak         with {@code --soak}: the soak run instead of the ceilings and phases; otherwise null
 */
record BenchOptions(int durationS, int warmupS, double rate, int concurrency, int branches, int payloadBytes,
                    boolean waitResult, int rounds, boolean profile, Soak soak) {

    static final String USAGE = "bin/bench [--duration 60] [--warmup 30] [--rate 0] [--concurrency 64] [--branches 2]"
            + " [--payload-bytes 64] [--wait-result] [--rounds 2] [--profile]\n"
            + "       bin/bench --soak 30m [--rate 500] [--sample 10s] [--warmup 30] [--retention 10m]"
            + " [--journal-retention 10m] [--node-flag key=value ...] [--concurrency 64] [--branches 2]"
            + " [--payload-bytes 64] [--wait-result]";

    private static final Set<String> BENCH_ONLY = Set.of("--duration", "--rounds", "--profile");
    private static final Set<String> SOAK_ONLY = Set.of("--sample", "--retention", "--journal-retention",
            "--node-flag");
    private static final Pattern DURATION = Pattern.compile("(\\d+)([smh]?)");

    /**
     * The soak run: sagas at a fixed rate for a long time, the nodes sampled every {@code sampleS}.
     *
     * @param durationS        seconds of load after the warm-up
     * @param sampleS          seconds between two samples of the nodes
     * @param retentionS       {@code ratchet.retention.finished-transactions} for the nodes; null = their default
     * @param journalRetentionS {@code ratchet.storage.journal-retention} for the nodes; null = their default
     * @param nodeFlags        further {@code key=value} config overrides for every node, as given
     */
    record Soak(int durationS, int sampleS, Integer retentionS, Integer journalRetentionS, List<String> nodeFlags) {

        static final double DEFAULT_RATE = 500;

        Soak {
            nodeFlags = List.copyOf(nodeFlags);
        }

        /** The node command-line arguments these options ask for; none for an option not given. */
        List<String> nodeArgs() {
            List<String> args = new ArrayList<>();
            // Only when asked: a node that does not know a key yet then keeps starting as it did.
            if (retentionS != null) {
                args.add("--ratchet.retention.finished-transactions=" + retentionS + "s");
            }
            if (journalRetentionS != null) {
                args.add("--ratchet.storage.journal-retention=" + journalRetentionS + "s");
            }
            for (String flag : nodeFlags) {
                args.add("--" + (flag.startsWith("ratchet.") ? flag : "ratchet." + flag));
            }
            return args;
        }
    }

    static BenchOptions parse(String... args) {
        int duration = 60;
        int warmup = 30;
        double rate = 0;
        int concurrency = 64;
        int branches = 2;
        int payload = 64;
        boolean waitResult = false;
        int rounds = 2;
        boolean profile = false;
        Integer soak = null;
        int sample = 10;
        Integer retention = null;
        Integer journalRetention = null;
        List<String> nodeFlags = new ArrayList<>();
        Set<String> given = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            given.add(a);
            if (a.equals("--wait-result")) {
                waitResult = true;
                continue;
            }
            if (a.equals("--profile")) {
                profile = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Missing a value after " + a + "; usage: " + USAGE);
            }
            String v = args[++i];
            try {
                switch (a) {
                    case "--duration" -> duration = Integer.parseInt(v);
                    case "--warmup" -> warmup = Integer.parseInt(v);
                    case "--rate" -> rate = Double.parseDouble(v);
                    case "--concurrency" -> concurrency = Integer.parseInt(v);
                    case "--branches" -> branches = Integer.parseInt(v);
                    case "--payload-bytes" -> payload = Integer.parseInt(v);
                    case "--rounds" -> rounds = Integer.parseInt(v);
                    case "--soak" -> soak = seconds(a, v);
                    case "--sample" -> sample = seconds(a, v);
                    case "--retention" -> retention = seconds(a, v);
                    case "--journal-retention" -> journalRetention = seconds(a, v);
                    case "--node-flag" -> nodeFlags.add(nodeFlag(v));
                    default -> throw new IllegalArgumentException("Unknown option " + a + "; usage: " + USAGE);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Expected a number after " + a + ", but got '" + v + "'");
            }
        }
        if (duration < 1 || warmup < 0 || rate < 0 || concurrency < 1 || branches < 1 || branches > 99
                || payload < 0 || rounds < 1) {
            throw new IllegalArgumentException("Expected duration ≥ 1, warmup ≥ 0, rate ≥ 0, concurrency ≥ 1,"
                    + " branches in 1..99, payload-bytes ≥ 0, rounds ≥ 1; usage: " + USAGE);
        }
        Set<String> misplaced = new HashSet<>(given);
        misplaced.retainAll(soak == null ? SOAK_ONLY : BENCH_ONLY);
        if (!misplaced.isEmpty()) {
            throw new IllegalArgumentException("Expected " + misplaced.stream().sorted().toList()
                    + (soak == null ? " only with --soak" : " only without --soak") + "; usage: " + USAGE);
        }
        Soak soakOptions = null;
        if (soak != null) {
            if (soak < 1 || sample < 1 || sample > soak) {
                throw new IllegalArgumentException("Expected --soak ≥ 1s and --sample in 1s..the soak's length, but"
                        + " they are " + soak + " s and " + sample + " s");
            }
            soakOptions = new Soak(soak, sample, retention, journalRetention, nodeFlags);
            rate = rate > 0 ? rate : Soak.DEFAULT_RATE;
        }
        return new BenchOptions(duration, warmup, rate, concurrency, branches, payload, waitResult, rounds, profile,
                soakOptions);
    }

    /** {@code 90}, {@code 90s}, {@code 30m} or {@code 2h} in seconds. */
    static int seconds(String option, String value) {
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("Expected a duration like 90s, 30m or 2h after " + option
                    + ", but got '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        long s = switch (m.group(2)) {
            case "m" -> n * 60;
            case "h" -> n * 3600;
            default -> n;
        };
        return Math.toIntExact(s);
    }

    private static String nodeFlag(String value) {
        int eq = value.indexOf('=');
        if (eq <= 0 || value.startsWith("-")) {
            throw new IllegalArgumentException("Expected --node-flag key=value (a config path under ratchet.), but"
                    + " got '" + value + "'");
        }
        return value;
    }

    /** Seconds of each ceiling phase in a round: a third of a Ratchet phase, at least 5. */
    int ceilingS() {
        return Math.max(5, durationS / 3);
    }
}
