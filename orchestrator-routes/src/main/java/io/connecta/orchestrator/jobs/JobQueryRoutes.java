package io.connecta.orchestrator.jobs;

import io.connecta.common.blob.BlobStore;
import io.connecta.common.job.JobState;
import io.connecta.common.problem.ApiProblemException;
import io.connecta.common.problem.ProblemRouteConfiguration;
import io.connecta.common.rest.PageRequest;
import io.connecta.orchestrator.registry.WorkerRegistrationValidator;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reading jobs: the list (filtered, paged, newest first), one job, and a finished job's output bytes. */
@Component
public class JobQueryRoutes extends RouteBuilder {

    // optional filters are bound as parameters too; a null parameter switches its filter off
    private static final String FILTER = " FROM job WHERE (CAST(:#status AS VARCHAR(16)) IS NULL OR state = :#status)"
            + " AND (CAST(:#workerType AS VARCHAR(32)) IS NULL OR worker_type = :#workerType)";
    private static final String COUNT = "sql:SELECT COUNT(*)" + FILTER + "?outputType=SelectOne&outputHeader=total";
    private static final String PAGE = "sql:SELECT " + JobStoreRoutes.COLUMNS + FILTER
            + " ORDER BY created_at DESC, job_id LIMIT :#limit OFFSET :#offset";

    private final JobRows rows;

    public JobQueryRoutes(JobRows rows) {
        this.rows = rows;
    }

    @Override
    public void configure() {
        from("direct:job-list").routeId("job-list").routeConfigurationId(ProblemRouteConfiguration.ID)
                .process(e -> {
                    PageRequest page = PageRequest.of(e.getMessage());
                    String status = e.getMessage().getHeader("status", String.class);
                    String type = e.getMessage().getHeader("workerType", String.class);
                    if (status != null && JobState.valueOfOrNull(status) == null) {
                        throw ApiProblemException.badRequest("query parameter 'status' must be one of "
                                + List.of(JobState.values()));
                    }
                    if (type != null && !WorkerRegistrationValidator.WORKER_TYPE.matcher(type).matches()) {
                        throw ApiProblemException.badRequest("query parameter 'workerType' is malformed");
                    }
                    Map<String, Object> p = new HashMap<>();
                    p.put("status", status);
                    p.put("workerType", type);
                    p.put("limit", page.limit());
                    p.put("offset", page.offset());
                    e.getMessage().setBody(p);
                })
                .to(COUNT)
                .setProperty("connectaPage", body())
                .to(PAGE)
                .process(e -> {
                    Map<?, ?> p = e.getProperty("connectaPage", Map.class);
                    e.getMessage().setBody(new JobPage(rows.fromRows(e.getMessage().getBody(List.class)),
                            e.getMessage().getHeader("total", Long.class), (Integer) p.get("limit"),
                            (Integer) p.get("offset")));
                });

        from("direct:job-get").routeId("job-get").routeConfigurationId(ProblemRouteConfiguration.ID)
                .process(JobRequests::requireJobId)
                .to("direct:job-load")
                .filter(body().isNull())
                    .process(this::notFound)
                .end();

        // the output stays a stream from the blob store to the response
        from("direct:job-result").routeId("job-result").routeConfigurationId(ProblemRouteConfiguration.ID)
                .noStreamCaching()
                .process(JobRequests::requireJobId)
                .to("direct:job-load")
                .process(e -> {
                    JobView job = e.getMessage().getBody(JobView.class);
                    if (job == null) {
                        notFound(e);
                    }
                    if (job.status() != JobState.SUCCEEDED || job.resultBlobId() == null) {
                        throw ApiProblemException.conflict("job " + job.jobId() + " is " + job.status()
                                + (job.error() != null ? " (" + job.error() + ")" : "") + "; its result is available once it SUCCEEDED");
                    }
                    e.getMessage().removeHeaders("*");
                    e.getMessage().setHeader(BlobStore.BLOB_ID, job.resultBlobId());
                    e.getMessage().setHeader("connectaFileName", job.inputName() == null ? job.jobId() + ".out"
                            : job.inputName() + ".out");
                })
                .to(BlobStore.GET)
                .process(e -> {
                    String name = e.getMessage().getHeader("connectaFileName", String.class);
                    Object size = e.getMessage().getHeader(BlobStore.BLOB_SIZE);
                    e.getMessage().removeHeaders("*");
                    e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/octet-stream");
                    e.getMessage().setHeader("Content-Disposition", "attachment; filename=\"" + name + "\"");
                    if (size != null) {
                        e.getMessage().setHeader(Exchange.CONTENT_LENGTH, size);
                    }
                });
    }

    private void notFound(Exchange e) {
        throw ApiProblemException.notFound("no job with id '" + e.getMessage().getHeader("jobId", String.class) + "'");
    }
}
