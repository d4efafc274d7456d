package io.connecta.routetests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client on a slow link: an upload that takes longer than a minute (the servlet container's async timeout used to
 * cut every request at 30 s with a 503) is accepted, and its job runs on exactly the bytes sent.
 */
class SlowUploadIT {

    static final long SIZE = 6L * 1024 * 1024;
    /** 96 KiB/s: the 6 MiB take 64 s. */
    static final long BYTES_PER_SECOND = 96 * 1024;

    @Test
    void uploadLongerThanAMinuteIsAcceptedAndItsJobSucceedsWithTheExactBytes() throws Exception {
        try (JobSystem system = new JobSystem("slow-upload", Map.of(), true)) {
            system.createProfile("copy", "[\"--mode\",\"copy\",\"${input}\",\"${output}\"]", 60);

            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            long start = System.nanoTime();
            HttpRequest upload = system.fe.request("/jobs?workerType=cu&profileId=copy&filename=slow.bin")
                    .timeout(Duration.ofMinutes(5))
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                            () -> new Throttled(new DigestInputStream(new LargeInputIT.Pattern(SIZE), sent),
                                    BYTES_PER_SECOND)), SIZE))
                    .build();
            HttpResponse<String> accepted = HttpClient.newHttpClient().send(upload, HttpResponse.BodyHandlers.ofString());
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).as("the upload really was slow").isGreaterThan(Duration.ofSeconds(60));
            assertThat(accepted.statusCode()).as("accepted after %s: %s", took, accepted.body()).isEqualTo(202);
            String jobId = new ObjectMapper().readTree(accepted.body()).path("jobId").asText();
            JsonNode job = system.awaitEnd(jobId, Duration.ofSeconds(120));
            assertThat(job.path("status").asText()).as("job %s", job).isEqualTo("SUCCEEDED");

            MessageDigest received = MessageDigest.getInstance("SHA-256");
            HttpResponse<InputStream> result = HttpClient.newHttpClient().send(
                    system.fe.request("/jobs/" + jobId + "/result").build(), HttpResponse.BodyHandlers.ofInputStream());
            long length;
            try (InputStream in = new DigestInputStream(result.body(), received)) {
                length = in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            assertThat(length).isEqualTo(SIZE);
            assertThat(HexFormat.of().formatHex(received.digest())).as("the output is the input, byte for byte")
                    .isEqualTo(HexFormat.of().formatHex(sent.digest()));
        }
    }

    /** Hands out bytes no faster than a rate, as a slow link would. */
    static final class Throttled extends FilterInputStream {
        private final long bytesPerSecond;
        private final long started = System.nanoTime();
        private long read;

        Throttled(InputStream in, long bytesPerSecond) {
            super(in);
            this.bytesPerSecond = bytesPerSecond;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, (int) Math.min(len, bytesPerSecond / 10));
            if (n > 0) {
                read += n;
                long due = started + read * 1_000_000_000L / bytesPerSecond;
                LockSupport.parkNanos(due - System.nanoTime());
            }
            return n;
        }
    }
}
