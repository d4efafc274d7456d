package io.connecta.orchestrator.registry;

import io.connecta.common.problem.ApiProblemException;
import io.connecta.common.problem.FieldError;
import io.connecta.common.worker.WorkerNames;
import io.connecta.common.worker.WorkerRegistration;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks registrations. The base URL matters most: the orchestrator forwards front-end calls to it, so it must
 * be a plain http(s) origin (no credentials, query, fragment or path) on a host the deployer allows
 * ({@code connecta.orchestrator.registry.allowed-hosts}), and the worker type one the orchestrator is configured for
 * ({@code connecta.orchestrator.registry.worker-types}). A malformed field answers 400; a well-formed one the
 * configuration does not allow, 422; both name the field. The optional {@code incarnation} (a new UUID at each start
 * of the worker) must be a UUID, else 422; it is kept in lower case, as results compare it.
 * Takes the registration as the worker sent it; gives it as it is stored (base URL without a trailing slash).
 */
@Component
public class WorkerRegistrationValidator {

    private final RegistryProperties registry;
    private final WorkerHosts hosts;

    public WorkerRegistrationValidator(RegistryProperties registry) {
        this.registry = registry;
        this.hosts = new WorkerHosts(registry.getAllowedHosts());
    }

    public static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    public static final Pattern WORKER_TYPE = WorkerNames.WORKER_TYPE;
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._+-]{0,64}");
    /** A worker's incarnation (and a result's workerIncarnation): a UUID in its usual spelling, any case. */
    public static final Pattern INCARNATION = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** The incarnation as stored and compared (lower case), or null when there is none. */
    public static String incarnation(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }

    public WorkerRegistration validate(WorkerRegistration r) {
        if (r == null) {
            throw ApiProblemException.badRequest("request body is required: a JSON registration");
        }
        List<FieldError> errors = new ArrayList<>();
        check(errors, "instanceId", r.instanceId(), INSTANCE_ID);
        check(errors, "workerType", r.workerType(), WORKER_TYPE);
        if (r.version() != null && !VERSION.matcher(r.version()).matches()) {
            errors.add(new FieldError("version", "must match " + VERSION.pattern()));
        }
        String baseUrl = r.baseUrl();
        if (baseUrl == null || baseUrl.isBlank()) {
            errors.add(new FieldError("baseUrl", "is required"));
        } else {
            String problem = baseUrlProblem(baseUrl);
            if (problem != null) {
                errors.add(new FieldError("baseUrl", problem));
            }
        }
        reject(400, errors);
        if (!registry.getWorkerTypes().contains(r.workerType())) {
            errors.add(new FieldError("workerType", "'" + r.workerType() + "' is not a configured worker type ("
                    + String.join(", ", registry.getWorkerTypes()) + ")"));
        }
        URI uri = URI.create(baseUrl);
        String path = uri.getRawPath();
        String host = uri.getHost();
        if (path != null && !path.isEmpty() && !"/".equals(path)) {
            errors.add(new FieldError("baseUrl", "must have no path: the worker's APIs are found below its origin"));
        } else if (!hosts.allows(host)) {
            errors.add(new FieldError("baseUrl", "host '" + host + "' is not an allowed worker host ("
                    + hosts.describe() + "; connecta.orchestrator.registry.allowed-hosts)"));
        }
        if (r.incarnation() != null && !INCARNATION.matcher(r.incarnation()).matches()) {
            errors.add(new FieldError("incarnation", "must be a UUID (a new one at each start of the worker)"));
        }
        reject(422, errors);
        String url = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return new WorkerRegistration(r.instanceId(), r.workerType(), url, r.version(), incarnation(r.incarnation()));
    }

    private static void reject(int status, List<FieldError> errors) {
        if (!errors.isEmpty()) {
            String detail = String.join("; ", errors.stream().map(e -> e.field() + ": " + e.message()).toList());
            throw new ApiProblemException(status, detail, errors);
        }
    }

    private static void check(List<FieldError> errors, String field, String value, Pattern pattern) {
        if (value == null || value.isEmpty()) {
            errors.add(new FieldError(field, "is required"));
        } else if (!pattern.matcher(value).matches()) {
            errors.add(new FieldError(field, "must match " + pattern.pattern()));
        }
    }

    private static String baseUrlProblem(String baseUrl) {
        if (baseUrl.length() > 512) {
            return "must be at most 512 characters";
        }
        try {
            URI uri = new URI(baseUrl);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                return "must be an http or https URL";
            }
            if (uri.getHost() == null) {
                return "must name a host";
            }
            if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return "must not carry credentials, a query or a fragment";
            }
            if (uri.getRawAuthority() == null || uri.getRawAuthority().contains("@")) {
                return "must not carry credentials";
            }
            return null;
        } catch (URISyntaxException e) {
            return "is not a valid URL: " + e.getReason();
        }
    }
}
