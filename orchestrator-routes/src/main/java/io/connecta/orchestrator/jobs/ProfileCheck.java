package io.connecta.orchestrator.jobs;

import io.connecta.common.problem.ApiProblemException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Judges a worker's answer to {@code GET /profiles/{id}} before a job is accepted. */
@Component
public class ProfileCheck {

    private static final Logger LOG = LoggerFactory.getLogger(ProfileCheck.class);

    /** The type exists but none of its workers could be asked (503, 504). */
    public static boolean noWorkerToAsk(Exchange e) {
        // doCatch().onWhen() runs before EXCEPTION_CAUGHT is set
        ApiProblemException problem = e.getException(ApiProblemException.class);
        return problem != null && problem.status() >= 503;
    }

    public void judge(Exchange e) {
        int status = e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        // the passthrough leaves only the worker's answer in the headers
        String type = e.getProperty("connectaCheckedType", String.class);
        String profileId = e.getProperty("connectaCheckedProfile", String.class);
        if (status == 404) {
            throw new ApiProblemException(422, "profile '" + profileId + "' does not exist for worker type '" + type + "'");
        }
        if (status != 200) {
            LOG.warn("Could not confirm profile {}/{} (worker answered {}); accepting the job", type, profileId, status);
        }
    }
}
