package io.ratchet.jmh.bench;

/**
 * The options of {@code bin/bench}.
 *
 * @param durationS    seconds of each measured Ratchet phase (saturation, fixed rate)
 * @param warmupS      seconds of unmeasured saturation load first, so the JIT has compiled the hot paths
 * @param rate         offered sagas/s of the fixed-rate phase; 0 = half the measured saturation rate
 * @param concurrency  requests in flight at most
 * @param branches     steps per saga
 * @param payloadBytes bytes of each step's payload
 * @param waitResult   submit with wait_result (the answer waits for the saga's end)
 * @param rounds       how many times the ceilings and the saturation phase alternate
 * @param profile      record JFR on the nodes during the saturation phases and summarise where their CPU went
 */
record BenchOptions(int durationS, int warmupS, double rate, int concurrency, int branches, int payloadBytes,
                    boolean waitResult, int rounds, boolean profile) {

    static final String USAGE = "bin/bench [--duration 60] [--warmup 30] [--rate 0] [--concurrency 64] [--branches 2]"
            + " [--payload-bytes 64] [--wait-result] [--rounds 2] [--profile]";

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
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
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
        return new BenchOptions(duration, warmup, rate, concurrency, branches, payload, waitResult, rounds, profile);
    }

    /** Seconds of each ceiling phase in a round: a third of a Ratchet phase, at least 5. */
    int ceilingS() {
        return Math.max(5, durationS / 3);
    }
}
