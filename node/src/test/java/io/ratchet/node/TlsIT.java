package io.ratchet.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ratchet.api.wire.WireJson;
import io.ratchet.node.testing.BusinessService;
import io.ratchet.node.testing.DtmClient;
import io.ratchet.node.testing.ProcessCluster;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three node processes with TLS on, using the certificates bin/make-certs makes: the API answers over HTTPS only,
 * the nodes elect a leader and replicate over mutual TLS, and the cluster view reaches its peers over HTTPS.
 */
class TlsIT {

    private static final Path REPO = Path.of("").toAbsolutePath().getParent();

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void shouldRunTheClusterOverHttpsAndMutualTlsRaft() throws Exception {
        Path tls = dir.resolve("tls");
        Process certs = new ProcessBuilder(REPO.resolve("bin/make-certs").toString(), tls.toString())
                .redirectErrorStream(true).start();
        String certsOutput = new String(certs.getInputStream().readAllBytes());
        Assumptions.assumeTrue(certs.waitFor() == 0, "bin/make-certs could not make certificates (is openssl"
                + " installed?): " + certsOutput);
        SSLContext trustingCa = context(tls, false);
        HttpClient https = HttpClient.newBuilder().sslContext(trustingCa).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();

        String tlsConf = "ratchet.tls { http = true, raft = true, cert = \"" + tls.resolve("node.pem") + "\", key = \""
                + tls.resolve("node-key.pem") + "\", ca = \"" + tls.resolve("ca.pem") + "\" }";
        try (ProcessCluster cluster = ProcessCluster.start(Files.createDirectories(dir.resolve("cluster")), tlsConf);
             BusinessService service = BusinessService.start()) {
            List<String> urls = cluster.ids().stream().map(id -> cluster.url(id).replace("http://", "https://")).toList();
            String leader = await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                    .until(() -> get(https, urls.get(0) + "/api/ratchet/cluster").path("leader").asText(""),
                            l -> !l.isEmpty());

            // every node up, seen over HTTPS by a peer
            JsonNode view = get(https, urls.get(1) + "/api/ratchet/cluster");
            assertThat(view.path("leader").asText()).isEqualTo(leader);
            assertThat(view.path("nodes")).allSatisfy(n -> {
                assertThat(n.path("up").asBoolean()).as(n.toString()).isTrue();
                assertThat(n.path("url").asText()).startsWith("https://");
            });

            // a saga over HTTPS, replicated over mutual TLS
            String gid = "tls-" + System.nanoTime();
            HttpResponse<String> submitted = https.send(HttpRequest.newBuilder(URI.create(urls.get(2)
                            + "/api/dtmsvr/submit")).POST(HttpRequest.BodyPublishers.ofString(WireJson.mapper()
                            .writeValueAsString(DtmClient.saga(gid, List.<String[]>of(new String[]{
                                    service.url("/" + gid + "/a0"), ""}), List.of(""))))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
            for (String url : urls) {
                await().atMost(Duration.ofSeconds(30)).until(() -> get(https, url + "/api/dtmsvr/query?gid=" + gid)
                        .path("transaction").path("status").asText(), "succeed"::equals);
            }

            // no plain HTTP on the API port
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create(cluster.url(leader) + "/api/ping"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);

            // Raft's port takes only a client that presents a certificate of the CA
            int raftPort = raftPort(cluster, leader);
            assertThat(handshake(trustingCa, raftPort)).as("without a client certificate").isFalse();
            assertThat(handshake(context(tls, true), raftPort)).as("with the node certificate").isTrue();
        }
    }

    private static JsonNode get(HttpClient client, String url) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        return WireJson.mapper().readTree(r.body());
    }

    /** The Raft port of a node, from the configuration ProcessCluster wrote. */
    private int raftPort(ProcessCluster cluster, String id) throws IOException {
        String conf = Files.readString(dir.resolve("cluster/cluster.conf"));
        var m = java.util.regex.Pattern.compile("ratchet\\.nodes\\." + id + " \\{ raft-port = (\\d+)").matcher(conf);
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** Whether a TLS handshake (ALPN h2, as gRPC speaks) with the Raft port completes and stays open. */
    private static boolean handshake(SSLContext context, int port) {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[]{"h2"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            // TLS 1.3: a refused client certificate is reported after the handshake, on the first read.
            socket.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes());
            socket.getOutputStream().write(new byte[]{0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
            socket.getOutputStream().flush();
            return socket.getInputStream().read() >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Trusts the test CA; with {@code clientCertificate}, presents the node's certificate too. */
    private static SSLContext context(Path tls, boolean clientCertificate) throws Exception {
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(tls.resolve("ca.pem"))) {
            trust.setCertificateEntry("ca", x509.generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientCertificate) {
            String pem = Files.readString(tls.resolve("node-key.pem")).replaceAll("-----[A-Z ]+-----", "")
                    .replaceAll("\\s", "");
            var key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
                    .decode(pem)));
            Certificate cert;
            try (InputStream in = Files.newInputStream(tls.resolve("node.pem"))) {
                cert = x509.generateCertificate(in);
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("node", key, new char[0], new Certificate[]{cert});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }
}
