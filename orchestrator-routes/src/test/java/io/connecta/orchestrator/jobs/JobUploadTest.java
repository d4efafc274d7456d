package io.connecta.orchestrator.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.test.Await;
import io.connecta.common.test.DevTokens;
import io.connecta.orchestrator.OrchestratorApplication;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/fe/v1/jobs} over a raw socket, so a test can stop sending half way: the body streams once, straight
 * into the blob store (no spool file, ever), and an upload that is abandoned or stalls leaves nothing behind: no job,
 * no blob, no temporary file. No worker is registered, so the orchestrator accepts any profile.
 */
@CamelSpringBootTest
@ActiveProfiles({"dev", "test"})
@SpringBootTest(classes = OrchestratorApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=orchestrator", "connecta.var-dir=orchestrator-routes/target/upload-test-var",
                // a client that sends nothing for this long is dropped (the production default is 60 s)
                "server.tomcat.connection-timeout=2s"})
class JobUploadTest {

    static final int SIZE = 4 * 1024 * 1024;

    /** The head of an upload, with a submitter's token of this orchestrator's dev issuer. */
    String requestHead() {
        return "POST /api/fe/v1/jobs?workerType=cu&profileId=copy&filename=in.bin HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n" + authorization() + "Content-Type: application/octet-stream\r\nContent-Length: "
                + SIZE + "\r\n\r\n";
    }

    String authorization() {
        return "Authorization: Bearer " + new DevTokens("http://127.0.0.1:" + port).submitter() + "\r\n";
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Value("${connecta.var-dir}")
    Path varDir;

    @BeforeEach
    void clean() {
        jdbc.update("DELETE FROM job");
    }

    @Test
    void uploadStreamsIntoTheBlobStoreWithoutASpoolCopy() throws Exception {
        byte[] input = pattern(SIZE);
        try (Socket client = new Socket("127.0.0.1", port)) {
            OutputStream out = client.getOutputStream();
            out.write(requestHead().getBytes(StandardCharsets.US_ASCII));
            out.write(input, 0, SIZE / 2);
            out.flush();

            Await.until("the first half is in a temporary blob", () -> temporaryBlobs().stream()
                    .anyMatch(f -> size(f) >= SIZE / 4));
            assertThat(files(varDir.resolve("tmp"))).as("nothing is spooled: the body is read once, by the blob store")
                    .isEmpty();

            out.write(input, SIZE / 2, SIZE / 2);
            out.flush();
            String answer = readAnswer(client.getInputStream());
            assertThat(answer).as("the upload is accepted").startsWith("HTTP/1.1 202");
            JsonNode job = new ObjectMapper().readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
            Path blob = varDir.resolve("blobs").resolve(job.path("inputBlobId").asText());
            assertThat(Files.readAllBytes(blob)).as("the stored input is the uploaded bytes").isEqualTo(input);
        }
        assertThat(temporaryBlobs()).isEmpty();
        assertThat(files(varDir.resolve("tmp"))).isEmpty();
    }

    @Test
    void uploadAbandonedHalfWayLeavesNoJobNoBlobNoSpoolFile() throws Exception {
        List<Path> blobsBefore = files(varDir.resolve("blobs"));
        try (Socket client = new Socket("127.0.0.1", port)) {
            OutputStream out = client.getOutputStream();
            out.write(requestHead().getBytes(StandardCharsets.US_ASCII));
            out.write(pattern(SIZE / 2));
            out.flush();
            Await.until("the upload has begun", () -> !temporaryBlobs().isEmpty());
        } // the client goes away half way

        Await.until("the abandoned upload is cleaned up", () -> temporaryBlobs().isEmpty());
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM job", Integer.class)).as("no job").isZero();
        assertThat(files(varDir.resolve("blobs"))).as("no blob").isEqualTo(blobsBefore);
        assertThat(files(varDir.resolve("tmp"))).as("no spool file").isEmpty();
    }

    @Test
    void uploadThatStallsIsDroppedAndLeavesNothing() throws Exception {
        List<Path> blobsBefore = files(varDir.resolve("blobs"));
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
            OutputStream out = client.getOutputStream();
            out.write(requestHead().getBytes(StandardCharsets.US_ASCII));
            out.write(pattern(SIZE / 2));
            out.flush();
            // the client stays connected and sends nothing more: the server gives up after the connection timeout
            String answer = readAnswer(client.getInputStream());
            assertThat(answer).as("the stalled request is answered and closed, not accepted").doesNotStartWith("HTTP/1.1 202");
        }
        Await.until("the stalled upload is cleaned up", () -> temporaryBlobs().isEmpty());
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM job", Integer.class)).as("no job").isZero();
        assertThat(files(varDir.resolve("blobs"))).as("no blob").isEqualTo(blobsBefore);
        assertThat(files(varDir.resolve("tmp"))).as("no spool file").isEmpty();
    }

    @Test
    void uploadThatIsNotOctetStreamIsRefusedWith415() throws Exception {
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.getOutputStream().write(("POST /api/fe/v1/jobs?workerType=cu&profileId=copy HTTP/1.1\r\nHost: x\r\n" + authorization()
                    + "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello").getBytes(StandardCharsets.US_ASCII));
            String answer = readAnswer(client.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 415").contains("application/problem+json", "application/octet-stream");
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM job", Integer.class)).isZero();
    }

    /** The whole answer: the server closes or the body's declared length has arrived. */
    static String readAnswer(InputStream in) throws IOException {
        StringBuilder answer = new StringBuilder();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            answer.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            String s = answer.toString();
            int headEnd = s.indexOf("\r\n\r\n");
            if (headEnd > 0) {
                String head = s.substring(0, headEnd).toLowerCase();
                int at = head.indexOf("content-length: ");
                if (at >= 0) {
                    int length = Integer.parseInt(head.substring(at + 16).split("\r\n")[0].trim());
                    if (s.length() - headEnd - 4 >= length) {
                        break;
                    }
                }
            }
        }
        return answer.toString();
    }

    List<Path> temporaryBlobs() {
        return files(varDir.resolve("blobs")).stream().filter(p -> p.getFileName().toString().contains("~")).toList();
    }

    static List<Path> files(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            // a temporary file vanished while walking: look again
            return files(root);
        }
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    static byte[] pattern(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + (i >>> 10));
        }
        return b;
    }
}
