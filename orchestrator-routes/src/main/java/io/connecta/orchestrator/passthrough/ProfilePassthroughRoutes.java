package io.connecta.orchestrator.passthrough;

import io.connecta.common.problem.ProblemRouteConfiguration;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.List;

/**
 * Front-end profile calls forwarded to a live worker of the type. Workers are tried in turn: one that cannot be
 * reached or does not answer in time is skipped; the first answer, whatever its status, is passed back unchanged.
 */
@Component
public class ProfilePassthroughRoutes extends RouteBuilder {

    static final List<String> OPERATIONS = List.of("list", "create", "get", "update", "delete");

    private final ProfilePassthrough passthrough;

    public ProfilePassthroughRoutes(ProfilePassthrough passthrough) {
        this.passthrough = passthrough;
    }

    // the target URI comes from the CamelHttpUri header; no cookie store: nothing a worker sets is kept or sent to the
    // next one
    private static final String WORKER_CALL = "http://registered-worker?throwExceptionOnFailure=false"
            + "&cookieStore=#class:org.apache.camel.component.http.NoopCookieStore"
            + "&connectTimeout={{connecta.orchestrator.passthrough.connect-timeout-ms:2000}}"
            + "&responseTimeout={{connecta.orchestrator.passthrough.response-timeout-ms:10000}}";

    @Override
    public void configure() {
        // one entry per REST operation (REST DSL inlines a direct: route into one operation only)
        for (String operation : OPERATIONS) {
            from("direct:passthrough-" + operation).routeId("passthrough-" + operation)
                    .routeConfigurationId(ProblemRouteConfiguration.ID)
                    .to("direct:profile-passthrough");
        }

        // failures go back to the operation's route, whose error handling answers them
        from("direct:profile-passthrough").routeId("profile-passthrough").errorHandler(noErrorHandler())
                .process(passthrough::captureRequest)
                .to("direct:workers-of-type")
                .process(passthrough::chooseCandidates)
                .loopDoWhile(method(passthrough, "hasNextCandidate"))
                    .process(passthrough::aimAtNextCandidate)
                    .doTry()
                        // the target URI comes from the CamelHttpUri header set above
                        .to("direct:passthrough-call")
                        .setProperty(ProfilePassthrough.ANSWERED, constant(true))
                    .doCatch(IOException.class)
                        .process(passthrough::attemptFailed)
                    .end()
                .end()
                .process(passthrough::shapeAnswer);

        // one call to a worker, with the orchestrator's token; a 401 (expired, the issuer's key changed): once more with
        // a new token. Failures go back to the caller's doTry.
        from("direct:passthrough-call").routeId("passthrough-call").errorHandler(noErrorHandler())
                .to(WORKER_CALL)
                .filter(header(Exchange.HTTP_RESPONSE_CODE).isEqualTo(401))
                    .process(passthrough::renewToken)
                    .to(WORKER_CALL)
                .end();
    }
}
