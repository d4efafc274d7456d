package io.connecta.orchestrator.jobs;

import io.connecta.common.blob.BlobStore;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

import java.util.regex.Pattern;

/**
 * Removes what an upload of a job that was never recorded left in the blob store: {@link #REMOVE} takes header
 * {@code jobId} (a UUID: nothing else names what is removed) and deletes the blob {@code jobs/<jobId>/input} through
 * {@link BlobStore#DELETE}, with whatever a put of it left. A blob that is not there is no error; failures go back to
 * the caller.
 */
@Component
public class JobInputs extends RouteBuilder {

    public static final String REMOVE = "direct:job-input-remove";

    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    @Override
    public void configure() {
        from(REMOVE).routeId("job-input-remove")
                // an internal step: failures go back to the calling route, whose error handling decides
                .errorHandler(noErrorHandler())
                .process(JobInputs::setInputBlobId)
                .to(BlobStore.DELETE)
                .filter(body().isEqualTo(true))
                    .log("Input of job ${header.jobId} removed from the blob store")
                .end();
    }

    /** The blob id of job {@code jobId}'s input; anything but a job id is refused. */
    static String inputBlobId(String jobId) {
        // ids come from our own rows; still, nothing but a job id may name what is deleted
        if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
            throw new IllegalArgumentException("not a job id: " + jobId);
        }
        return "jobs/" + jobId + "/input";
    }

    private static void setInputBlobId(Exchange exchange) {
        exchange.getMessage().setHeader(BlobStore.BLOB_ID,
                inputBlobId(exchange.getMessage().getHeader("jobId", String.class)));
    }
}
