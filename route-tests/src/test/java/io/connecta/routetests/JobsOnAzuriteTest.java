package io.connecta.routetests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connecta.common.blob.BlobStore;
import io.connecta.common.job.JobQueues;
import io.connecta.common.test.Azurite;
import io.connecta.common.test.Http;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The same jobs with Azure Blob Storage (Azurite) as the blob store of both apps. */
class JobsOnAzuriteTest {

    static final Duration END = Duration.ofSeconds(60);
    static JobSystem system;

    @BeforeAll
    static void start() {
        system = new JobSystem("azure", JobSystem.azureBlobStore(Azurite.endpoint(), "connecta-e2e"), true);
        system.createProfile("upper", "[\"--mode\",\"upper\",\"${input}\",\"${output}\"]", 60);
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void restJobSucceedsWithTheExactOutputBytesOnAzure() throws Exception {
        byte[] input = new byte[300_000];
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) (i % 7 == 0 ? 'a' + i % 26 : i);
        }
        Http.Response accepted = system.submit("upper", input);
        assertThat(accepted.status()).as("submit: %s", accepted).isEqualTo(202);
        String jobId = accepted.json().path("jobId").asText();
        JsonNode done = system.awaitEnd(jobId, END);
        assertThat(done.path("status").asText()).as("job %s", done).isEqualTo("SUCCEEDED");

        byte[] result = system.fe.send(system.fe.request("/jobs/" + jobId + "/result").GET(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body();
        assertThat(result).as("the output, read back from Azure").isEqualTo(JobsEndToEndTest.asciiUpper(input));

        ProducerTemplate template = system.orchestrator.getBean(ProducerTemplate.class);
        try (InputStream stored = template.requestBodyAndHeader(BlobStore.GET, null, BlobStore.BLOB_ID,
                done.path("resultBlobId").asText(), InputStream.class)) {
            assertThat(stored.readAllBytes()).as("the output lies in the Azure container").isEqualTo(result);
        }
    }

    @Test
    void jmsJobSucceedsOnAzure() throws Exception {
        ProducerTemplate template = system.orchestrator.getBean(ProducerTemplate.class);
        template.sendBodyAndHeader(BlobStore.PUT, "from azure".getBytes(), BlobStore.BLOB_ID, "inbox/azure-1.txt");
        system.send(JobQueues.SUBMIT, "{\"workerType\":\"cu\",\"profileId\":\"upper\",\"blobId\":\"inbox/azure-1.txt\"}",
                "connecta.replies.azure-test");
        Message reply = system.receive("connecta.replies.azure-test", END);
        assertThat(reply).isNotNull();
        JsonNode result = new ObjectMapper().readTree(((TextMessage) reply).getText());
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(system.fe.get("/jobs/" + result.path("jobId").asText() + "/result").body()).isEqualTo("FROM AZURE");
    }
}
