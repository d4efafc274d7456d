package io.connecta.orchestrator.passthrough;

import io.connecta.common.problem.ApiProblemException;
import io.connecta.common.problem.ProblemResponses;
import io.connecta.common.security.ServiceTokens;
import io.connecta.common.worker.WorkerNames;
import io.connecta.orchestrator.registry.RegistryProperties;
import io.connecta.orchestrator.registry.WorkerRegistrationValidator;
import io.connecta.orchestrator.registry.WorkerView;
import io.connecta.common.ops.Printable;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The steps of {@link ProfilePassthroughRoutes}: pick live workers of a type (round robin), aim each attempt at
 * the next one, and shape the answer. Targets come only from the registry, never from the request.
 */
@Component
public class ProfilePassthrough {

    static final String REQUEST = "connectaPassthroughRequest";
    static final String CANDIDATES = "connectaPassthroughCandidates";
    static final String ATTEMPT = "connectaPassthroughAttempt";
    static final String ANSWERED = "connectaPassthroughAnswered";
    static final String TIMED_OUT = "connectaPassthroughTimedOut";

    private static final Logger LOG = LoggerFactory.getLogger(ProfilePassthrough.class);
    private static final Pattern PROFILE_ID = WorkerNames.PROFILE_ID;
    private static final Pattern PAGING = Pattern.compile("[0-9]{1,10}");
    /** The one Location a worker may answer with: a profile of its own, by a plain id (no dot segments, no host). */
    private static final Pattern PROFILE_LOCATION = Pattern.compile("/api/v1/profiles/([^/?#]+)");

    private final RegistryProperties registry;
    private final ServiceTokens tokens;
    private final int maxAnswerBytes;
    private final Map<String, AtomicInteger> cursors = new ConcurrentHashMap<>();

    /**
     * Takes the registry settings, the orchestrator's own service credential (which every call to a worker carries)
     * and the largest worker answer passed on, in bytes.
     */
    public ProfilePassthrough(RegistryProperties registry, ServiceTokens tokens,
                              @Value("${connecta.orchestrator.passthrough.max-answer-bytes:1048576}") int maxAnswerBytes) {
        this.registry = registry;
        this.tokens = tokens;
        this.maxAnswerBytes = maxAnswerBytes;
    }

    /** The part of the request that is forwarded, kept so each attempt can send it again. */
    record Request(String workerType, String method, String path, String query, String contentType, byte[] body) {
    }

    public void captureRequest(Exchange e) {
        Message in = e.getMessage();
        e.setProperty(ProblemResponses.INSTANCE, in.getHeader(Exchange.HTTP_URI, String.class));
        String type = in.getHeader("workerType", String.class);
        if (type == null || !WorkerRegistrationValidator.WORKER_TYPE.matcher(type).matches()) {
            throw ApiProblemException.notFound("unknown worker type '" + type + "'");
        }
        String profileId = in.getHeader("profileId", String.class);
        String path = "/api/v1/profiles";
        if (profileId != null) {
            if (!PROFILE_ID.matcher(profileId).matches()) {
                throw ApiProblemException.notFound("no profile with id '" + profileId + "'");
            }
            path += "/" + profileId;
        }
        List<String> query = new ArrayList<>();
        for (String name : List.of("limit", "offset")) {
            String value = in.getHeader(name, String.class);
            if (value != null) {
                // a bad value goes through as a harmless placeholder so the worker answers with its own 400
                query.add(name + "=" + (PAGING.matcher(value).matches() ? value : "invalid"));
            }
        }
        byte[] body = in.getBody(byte[].class);
        e.setProperty(REQUEST, new Request(type, in.getHeader(Exchange.HTTP_METHOD, String.class), path,
                query.isEmpty() ? null : String.join("&", query), in.getHeader(Exchange.CONTENT_TYPE, String.class),
                body == null || body.length == 0 ? null : body));
        in.setHeader("workerType", type);
    }

    /** Body: every registered worker of the type. Leaves the live ones, rotated, in a property. */
    public void chooseCandidates(Exchange e) {
        Request request = e.getProperty(REQUEST, Request.class);
        @SuppressWarnings("unchecked")
        List<WorkerView> all = e.getMessage().getBody(List.class);
        if (all.isEmpty() && !registry.getWorkerTypes().contains(request.workerType())) {
            throw ApiProblemException.notFound("unknown worker type '" + request.workerType() + "'");
        }
        List<WorkerView> live = new ArrayList<>(all.stream().filter(w -> w.status() == WorkerView.WorkerStatus.UP).toList());
        if (live.isEmpty()) {
            throw new ApiProblemException(503, "no live worker of type '" + request.workerType() + "'");
        }
        int start = Math.floorMod(cursors.computeIfAbsent(request.workerType(), t -> new AtomicInteger()).getAndIncrement(),
                live.size());
        Collections.rotate(live, -start);
        e.setProperty(CANDIDATES, live);
        e.setProperty(ATTEMPT, 0);
    }

    public boolean hasNextCandidate(Exchange e) {
        return !e.getProperty(ANSWERED, false, Boolean.class)
                && e.getProperty(ATTEMPT, Integer.class) < e.getProperty(CANDIDATES, List.class).size();
    }

    public void aimAtNextCandidate(Exchange e) {
        Request request = e.getProperty(REQUEST, Request.class);
        int attempt = e.getProperty(ATTEMPT, Integer.class);
        WorkerView target = (WorkerView) e.getProperty(CANDIDATES, List.class).get(attempt);
        e.setProperty(ATTEMPT, attempt + 1);
        Message out = e.getMessage();
        // nothing of the caller's request reaches the worker except what is set here
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_URI, target.baseUrl() + request.path());
        out.setHeader(Exchange.HTTP_METHOD, request.method());
        out.setHeader("Accept", "application/json, application/problem+json");
        // the orchestrator's own credential, never the caller's token
        out.setHeader("Authorization", tokens.authorizationHeader());
        if (request.query() != null) {
            out.setHeader(Exchange.HTTP_QUERY, request.query());
        }
        if (request.body() != null) {
            out.setHeader(Exchange.CONTENT_TYPE, request.contentType());
        }
        out.setBody(request.body());
    }

    /** The worker refused the orchestrator's token (401): drop it and aim at the same worker again with a new one. */
    public void renewToken(Exchange e) {
        LOG.info("Worker at {} refused the orchestrator's token; fetching a new one", e.getMessage().getHeader(Exchange.HTTP_URI));
        tokens.invalidate();
        e.setProperty(ATTEMPT, e.getProperty(ATTEMPT, Integer.class) - 1);
        aimAtNextCandidate(e);
    }

    public void attemptFailed(Exchange e) {
        Exception cause = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (cause instanceof SocketTimeoutException) {
            e.setProperty(TIMED_OUT, true);
        }
        LOG.warn("Worker at {} did not answer ({}); trying the next one", e.getMessage().getHeader(Exchange.HTTP_URI),
                cause == null ? "?" : cause.toString());
    }

    /**
     * Keeps the worker's status, content type and body, and nothing else of its answer (no Set-Cookie, no other
     * header). Only JSON passes (application/json or application/problem+json, or no body at all): anything else, or
     * more than {@code connecta.orchestrator.passthrough.max-answer-bytes}, is 502. A Location passes only as a
     * profile of the same worker type ({@code /api/v1/profiles/<id>} becomes
     * {@code /api/fe/v1/worker-types/<type>/profiles/<id>}); any other (another path, a dot segment, another host)
     * is dropped.
     */
    public void shapeAnswer(Exchange e) throws IOException {
        Request request = e.getProperty(REQUEST, Request.class);
        if (!e.getProperty(ANSWERED, false, Boolean.class)) {
            if (e.getProperty(TIMED_OUT, false, Boolean.class)) {
                throw new ApiProblemException(504, "no worker of type '" + request.workerType() + "' answered in time");
            }
            throw new ApiProblemException(503, "no worker of type '" + request.workerType() + "' could be reached");
        }
        Message m = e.getMessage();
        Integer status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String contentType = m.getHeader(Exchange.CONTENT_TYPE, String.class);
        String location = m.getHeader("Location", String.class);
        String worker = m.getHeader(Exchange.HTTP_URI, String.class);
        InputStream in = m.getBody(InputStream.class);
        byte[] body = in == null ? new byte[0] : in.readNBytes(maxAnswerBytes + 1);
        m.removeHeaders("*");
        if (status == null || status < 200 || status > 599) {
            throw badGateway(worker, "answered with status " + status);
        }
        if (body.length > maxAnswerBytes) {
            throw badGateway(worker, "answered with more than " + maxAnswerBytes + " bytes");
        }
        if (body.length > 0 && !isJson(contentType)) {
            throw badGateway(worker, "answered with " + (contentType == null ? "no content type"
                    : "content type " + Printable.of(contentType, 100)) + ", not JSON");
        }
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        if (body.length > 0) {
            m.setHeader(Exchange.CONTENT_TYPE, contentType);
        }
        m.setBody(body);
        if (location != null) {
            Matcher profile = PROFILE_LOCATION.matcher(location);
            if (profile.matches() && PROFILE_ID.matcher(profile.group(1)).matches()) {
                m.setHeader("Location", "/api/fe/v1/worker-types/" + request.workerType() + "/profiles/" + profile.group(1));
            } else {
                LOG.warn("Worker at {} answered with Location {}, which is no profile of it: dropped", worker,
                        Printable.of(location, 200));
            }
        }
    }

    private static ApiProblemException badGateway(String worker, String what) {
        LOG.warn("Worker at {} {}: answered 502", worker, what);
        return new ApiProblemException(502, "the worker " + what);
    }

    /** application/json or application/problem+json, with any parameters (charset). */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return "application".equalsIgnoreCase(type.getType())
                    && ("json".equalsIgnoreCase(type.getSubtype()) || "problem+json".equalsIgnoreCase(type.getSubtype()));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }
}
