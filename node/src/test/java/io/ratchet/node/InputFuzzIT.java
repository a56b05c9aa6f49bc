package io.ratchet.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ratchet.api.wire.WireJson;
import io.ratchet.node.testing.BusinessService;
import io.ratchet.node.testing.DtmClient;
import io.ratchet.node.testing.ProcessCluster;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated valid requests, 10,000 per run, against three node processes: every answer is a 2xx/4xx with a JSON body
 * (never a 5xx other than 503, never a hang), a refused request leaves nothing behind, and the cluster stays
 * healthy. The seed is printed; {@code -Dfuzz.seed=N} replays a run, {@code -Dfuzz.cases=N} sizes it.
 */
class InputFuzzIT {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration NO_HANG = Duration.ofSeconds(20);
    private static final String DEEP = "__deeply_nested__";

    @TempDir
    Path dir;

    /** One generated request and what it was meant to be. */
    private record Case(int n, String method, String path, String body, String gid, String mutation) {
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void shouldAnswerEveryMutatedRequestWithoutAServerErrorOrPartialState() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int cases = Integer.getInteger("fuzz.cases", 10_000);
        System.out.printf("InputFuzzIT seed %d (replay with -Dfuzz.seed=%d), %d cases%n", seed, seed, cases);
        Random random = new Random(seed);
        try (ProcessCluster cluster = ProcessCluster.start(dir); BusinessService service = BusinessService.start()) {
            cluster.awaitLeader(Duration.ofSeconds(90));
            Generator generator = new Generator(random, service);
            Semaphore inFlight = new Semaphore(32);
            Map<String, Integer> statuses = new TreeMap<>();
            Map<String, Integer> mutations = new TreeMap<>();
            List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Case> refused = java.util.Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int n = 0; n < cases; n++) {
                Case c = generator.next(n);
                String node = cluster.url(cluster.ids().get(random.nextInt(cluster.ids().size())));
                inFlight.acquire();
                synchronized (mutations) {
                    mutations.merge(c.mutation(), 1, Integer::sum);
                }
                all.add(send(node, c).handle((r, e) -> {
                    inFlight.release();
                    if (e != null) {
                        problems.add(c + " -> " + e);
                        return null;
                    }
                    synchronized (statuses) {
                        statuses.merge(String.valueOf(r.statusCode()), 1, Integer::sum);
                    }
                    String problem = check(r);
                    if (problem != null) {
                        problems.add(c + " -> " + r.statusCode() + " " + problem + ": " + abbreviate(r.body()));
                    } else if (r.statusCode() == 400 && c.gid() != null) {
                        refused.add(c);
                    }
                    return null;
                }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            System.out.println("InputFuzzIT answers by status: " + statuses);
            System.out.println("InputFuzzIT cases by mutation: " + mutations);
            assertThat(problems).as("seed " + seed).isEmpty();

            // no partial state: a gid whose only request was refused does not exist on any node
            DtmClient any = new DtmClient(cluster.url(cluster.ids().get(0)));
            for (Case c : refused.subList(0, Math.min(refused.size(), 300))) {
                JsonNode q = any.query(c.gid());
                assertThat(q.path("transaction").isNull()).as("seed " + seed + ": " + c).isTrue();
            }
            // and the cluster is healthy: every node answers and a saga still succeeds
            for (String id : cluster.ids()) {
                assertThat(cluster.status(id)).as(id).isPresent();
            }
            String gid = "after-fuzz-" + seed;
            any.post("/api/dtmsvr/submit", DtmClient.saga(gid,
                    List.<String[]>of(new String[]{service.url("/" + gid + "/a0"), ""}), List.of("")));
            assertThat(any.awaitFinal(gid, Duration.ofSeconds(30)).path("transaction").path("status").asText())
                    .isEqualTo("succeed");
        }
    }

    private static CompletableFuture<HttpResponse<String>> send(String node, Case c) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node + c.path())).timeout(NO_HANG);
        b.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(c.body()));
        return HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What is wrong with an answer, or null. 503 is allowed: it is the honest answer of a busy cluster. */
    private static String check(HttpResponse<String> r) {
        int s = r.statusCode();
        if (s >= 500 && s != 503) {
            return "server error";
        }
        if (s >= 400) {
            try {
                JsonNode body = WireJson.mapper().readTree(r.body());
                if (body == null || !body.path("message").isTextual() || body.path("message").asText().isEmpty()) {
                    return "error without a message";
                }
            } catch (java.io.IOException e) {
                return "error body is not JSON";
            }
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /** Valid requests of every kind, then one or two mutations of their JSON or of the raw text. */
    private static final class Generator {
        private final Random random;
        private final BusinessService service;
        private final List<Function<String, ObjectNode>> templates;
        private final String[] paths = {"/api/dtmsvr/submit", "/api/dtmsvr/prepare", "/api/dtmsvr/abort",
                "/api/dtmsvr/registerBranch", "/api/dtmsvr/registerTccBranch", "/api/dtmsvr/forceStop",
                "/api/dtmsvr/resetNextCronTime", "/api/dtmsvr/prepareWorkflow", "/api/dtmsvr/subscribe"};

        Generator(Random random, BusinessService service) {
            this.random = random;
            this.service = service;
            this.templates = List.of(this::saga, this::msg, this::tcc, this::register, this::abort, this::workflow);
        }

        Case next(int n) {
            String gid = "fz-" + n + "-" + Long.toHexString(random.nextLong());
            int kind = random.nextInt(20);
            if (kind == 0) {
                return query(n, gid);
            }
            ObjectNode valid = templates.get(random.nextInt(templates.size())).apply(gid);
            String path = random.nextInt(10) == 0 ? paths[random.nextInt(paths.length)] : pathFor(valid);
            String mutation;
            String body;
            int pick = random.nextInt(10);
            if (pick < 7) {
                mutation = mutateTree(valid);
                if (random.nextBoolean()) {
                    mutation += "+" + mutateTree(valid);
                }
                int depth = random.nextInt(3) == 0 ? 3_000 : 40;
                body = valid.toString().replace("\"" + DEEP + "\"", "[".repeat(depth) + "]".repeat(depth));
            } else {
                String text = valid.toString();
                mutation = "text";
                body = mutateText(text);
            }
            return new Case(n, "POST", path, body, gid, mutation);
        }

        private static String pathFor(ObjectNode valid) {
            if (valid.has("branch_id")) {
                return "/api/dtmsvr/registerBranch";
            }
            if (valid.has("rollback_reason")) {
                return "/api/dtmsvr/abort";
            }
            String type = valid.path("trans_type").asText();
            return type.equals("tcc") || valid.has("query_prepared") && type.equals("msg") ? "/api/dtmsvr/prepare"
                    : type.equals("workflow") ? "/api/dtmsvr/prepareWorkflow" : "/api/dtmsvr/submit";
        }

        private Case query(int n, String gid) {
            String[] params = {"gid=" + gid, "gid=", "gid=" + "x".repeat(200), "gid=%00", "gid=a%20b",
                    "status=nope", "transType=zz", "limit=-5", "limit=abc", "limit=99999999999999999999",
                    "position=garbage", "position=12:", "createTimeStart=soon", "timeout=-1", ""};
            String p = params[random.nextInt(params.length)];
            String[] gets = {"/api/dtmsvr/query?", "/api/dtmsvr/all?", "/api/dtmsvr/resetCronTime?",
                    "/api/ratchet/transactions/" + URLEncoder.encode(gid, StandardCharsets.UTF_8) + "?"};
            return new Case(n, "GET", gets[random.nextInt(gets.length)] + p, null, null, "query");
        }

        private String url() {
            return service.url("/fuzz/" + random.nextInt(5));
        }

        private ObjectNode saga(String gid) {
            ObjectNode o = F.objectNode().put("gid", gid).put("trans_type", "saga");
            ArrayNode steps = o.putArray("steps");
            ArrayNode payloads = o.putArray("payloads");
            int n = 1 + random.nextInt(3);
            for (int i = 0; i < n; i++) {
                steps.addObject().put("action", url()).put("compensate", url());
                payloads.add("{\"amount\":" + random.nextInt(100) + "}");
            }
            if (random.nextBoolean()) {
                o.put("custom_data", "{\"concurrent\":true,\"orders\":{\"1\":[0]}}");
            }
            o.put("retry_interval", 1).put("timeout_to_fail", 30).put("request_timeout", 2);
            o.putObject("branch_headers").put("X-Fuzz", "1");
            return o;
        }

        private ObjectNode msg(String gid) {
            ObjectNode o = F.objectNode().put("gid", gid).put("trans_type", "msg");
            o.putArray("steps").addObject().put("action", url());
            o.putArray("payloads").add("{}");
            if (random.nextBoolean()) {
                o.put("query_prepared", url());
            }
            return o;
        }

        private ObjectNode tcc(String gid) {
            return F.objectNode().put("gid", gid).put("trans_type", random.nextBoolean() ? "tcc" : "xa")
                    .put("timeout_to_fail", 30);
        }

        private ObjectNode register(String gid) {
            return F.objectNode().put("gid", gid).put("trans_type", "tcc").put("branch_id", "01")
                    .put("confirm", url()).put("cancel", url()).put("data", "{}");
        }

        private ObjectNode abort(String gid) {
            return F.objectNode().put("gid", gid).put("trans_type", "tcc").put("rollback_reason", "fuzz");
        }

        private ObjectNode workflow(String gid) {
            ObjectNode o = F.objectNode().put("gid", gid).put("trans_type", "workflow")
                    .put("custom_data", "{\"name\":\"wf\",\"data\":\"\"}").put("query_prepared", url());
            return o;
        }

        /** Changes one field of the request (possibly nested) and names the change. */
        private String mutateTree(ObjectNode root) {
            List<String> fields = new ArrayList<>();
            root.fieldNames().forEachRemaining(fields::add);
            if (fields.isEmpty()) {
                return "empty";
            }
            String field = fields.get(random.nextInt(fields.size()));
            ObjectNode target = root;
            JsonNode value = root.get(field);
            if (value.isArray() && !value.isEmpty() && value.get(0).isObject() && random.nextBoolean()) {
                target = (ObjectNode) value.get(0);
                List<String> inner = new ArrayList<>();
                target.fieldNames().forEachRemaining(inner::add);
                if (inner.isEmpty()) {
                    return "empty-step";
                }
                field = inner.get(random.nextInt(inner.size()));
            }
            switch (random.nextInt(16)) {
                case 0 -> target.remove(field);
                case 1 -> target.putNull(field);
                case 2 -> target.put(field, random.nextLong());
                case 3 -> target.put(field, -1 - random.nextInt(1000));
                case 4 -> target.put(field, random.nextDouble() * 1e300);
                case 5 -> target.put(field, random.nextBoolean());
                case 6 -> target.putArray(field).add(1).add("x");
                case 7 -> target.putObject(field).put("a", 1);
                case 8 -> target.put(field, "x".repeat(random.nextInt(3) == 0 ? 200_000 : 300));
                case 9 -> target.put(field, randomUnicode());
                case 10 -> target.put(field, "http://" + randomUnicode() + "/x");
                case 11 -> target.put(field, new String[]{"", " ", "saga", "SAGA", "topic://", "http://", "::",
                        "ftp://x/y", "http://127.0.0.1:0/x", "null", "{", "[]"}[random.nextInt(12)]);
                case 12 -> {
                    ArrayNode many = target.putArray(field);
                    int n = random.nextInt(3) == 0 ? 1_500 : 50;
                    for (int i = 0; i < n; i++) {
                        many.addObject().put("action", url()).put("compensate", "");
                    }
                }
                case 13 -> target.put(field, DEEP); // replaced in the text: the writer refuses depths over 1000
                case 14 -> target.put("custom_data", new String[]{"{\"concurrent\":true,\"orders\":{\"0\":[0]}}",
                        "{\"concurrent\":true,\"orders\":{\"9\":[0]}}", "{\"orders\":{\"1\":[\"a\"]}}",
                        "{\"delay\":-4}", "{\"delay\":\"x\"}", "not json", "{\"name\":1}", "[]"}[random.nextInt(8)]);
                default -> target.put(field + "_" + random.nextInt(3), "extra");
            }
            return "tree";
        }


        private String randomUnicode() {
            StringBuilder sb = new StringBuilder();
            int n = 1 + random.nextInt(20);
            for (int i = 0; i < n; i++) {
                int cp = random.nextInt(4) == 0 ? random.nextInt(0x20) : random.nextInt(0x2FFFF);
                if (Character.isValidCodePoint(cp) && !(cp >= 0xD800 && cp <= 0xDFFF)) {
                    sb.appendCodePoint(cp);
                }
            }
            return sb.toString();
        }

        /** Breaks the JSON text itself: truncation, a flipped byte, duplicated keys, junk. */
        private String mutateText(String text) {
            switch (random.nextInt(6)) {
                case 0:
                    return text.substring(0, random.nextInt(text.length()));
                case 1: {
                    char[] chars = text.toCharArray();
                    chars[random.nextInt(chars.length)] = (char) random.nextInt(128);
                    return new String(chars);
                }
                case 2:
                    return text.replaceFirst("\\{", "{\"gid\":\"dup\",");
                case 3:
                    return "";
                case 4:
                    return "[" + text + "]";
                default:
                    return text + "garbage";
            }
        }
    }
}
