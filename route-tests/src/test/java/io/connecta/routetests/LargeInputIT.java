package io.connecta.routetests;

import com.fasterxml.jackson.databind.JsonNode;
import io.connecta.common.test.Await;
import io.connecta.common.test.Http;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** 1 GiB through the whole pipeline, both apps as their own JVMs with a 256 MiB heap: memory does not grow with input. */
class LargeInputIT {

    static final long SIZE = 1L << 30;

    @Test
    void oneGibibyteInputPassesThroughAt256MegabytesOfHeap() throws Exception {
        Path var = Files.createTempDirectory("connecta-large");
        int broker = Apps.freePort();
        Map<String, Object> common = Map.of("connecta.var-dir", var.toString());
        java.util.Map<String, Object> o = new java.util.HashMap<>(common);
        o.put("connecta.broker.embedded.tcp-url", "tcp://127.0.0.1:" + broker);
        try (AppProcess orchestrator = AppProcess.start("large-orchestrator", AppProcess.ORCHESTRATOR_JAR, "256m", o)) {
            java.util.Map<String, Object> c = new java.util.HashMap<>(common);
            c.put("spring.activemq.broker-url", "tcp://127.0.0.1:" + broker);
            c.put("connecta.worker.orchestrator-url", "http://127.0.0.1:" + orchestrator.port);
            try (AppProcess cu = AppProcess.start("large-cu", AppProcess.CU_JAR, "256m", c)) {
                Http fe = new Http("http://127.0.0.1:" + orchestrator.port + "/api/fe/v1")
                        .bearer(Apps.tokens(orchestrator.port).admin());
                Await.until("the worker registers", Duration.ofSeconds(60), () -> fe.get("/workers").body().contains("UP"));
                assertThat(fe.postJson("/worker-types/cu/profiles", "{\"id\":\"copy\",\"name\":\"Copy\","
                        + "\"executable\":\"sample-cu\",\"args\":[\"--mode\",\"copy\",\"${input}\",\"${output}\"],"
                        + "\"output\":\"out.dat\",\"timeoutSeconds\":600}").status()).isEqualTo(201);

                MessageDigest sent = MessageDigest.getInstance("SHA-256");
                long start = System.nanoTime();
                HttpRequest upload = fe.request("/jobs?workerType=cu&profileId=copy&filename=big.bin")
                        .timeout(Duration.ofMinutes(10))
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                                () -> new DigestInputStream(new Pattern(SIZE), sent)), SIZE))
                        .build();
                HttpResponse<String> accepted = HttpClient.newHttpClient().send(upload, HttpResponse.BodyHandlers.ofString());
                assertThat(accepted.statusCode()).as("upload: %s", accepted.body()).isEqualTo(202);
                String jobId = new com.fasterxml.jackson.databind.ObjectMapper().readTree(accepted.body()).path("jobId").asText();
                double uploadSeconds = (System.nanoTime() - start) / 1e9;

                Await.until("the 1 GiB job ends", Duration.ofMinutes(10), () -> {
                    String s = fe.get("/jobs/" + jobId).json().path("status").asText();
                    return s.equals("SUCCEEDED") || s.equals("FAILED");
                });
                JsonNode job = fe.get("/jobs/" + jobId).json();
                assertThat(job.path("status").asText()).as("job %s", job).isEqualTo("SUCCEEDED");
                assertThat(job.path("inputBytes").asLong()).isEqualTo(SIZE);
                double jobSeconds = (System.nanoTime() - start) / 1e9;

                MessageDigest received = MessageDigest.getInstance("SHA-256");
                HttpResponse<InputStream> result = HttpClient.newHttpClient().send(fe.request("/jobs/" + jobId + "/result")
                        .timeout(Duration.ofMinutes(10)).build(), HttpResponse.BodyHandlers.ofInputStream());
                long length;
                try (InputStream in = new DigestInputStream(result.body(), received)) {
                    length = in.transferTo(java.io.OutputStream.nullOutputStream());
                }
                double totalSeconds = (System.nanoTime() - start) / 1e9;
                assertThat(result.statusCode()).isEqualTo(200);
                assertThat(length).as("result length").isEqualTo(SIZE);
                assertThat(HexFormat.of().formatHex(received.digest())).as("the output is the input, byte for byte")
                        .isEqualTo(HexFormat.of().formatHex(sent.digest()));
                assertThat(orchestrator.process.isAlive() && cu.process.isAlive()).as("no JVM ran out of memory").isTrue();
                System.out.printf("1 GiB: upload %.1f s, job done %.1f s, downloaded %.1f s after start%n",
                        uploadSeconds, jobSeconds, totalSeconds);
            }
        }
    }

    /** A repeatable, incompressible-looking byte stream of a given length, generated on the fly. */
    static final class Pattern extends InputStream {
        private final long size;
        private long position;
        private long state = 0x9E3779B97F4A7C15L;

        Pattern(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                b[off + i] = (byte) state;
            }
            position += n;
            return n;
        }
    }
}
