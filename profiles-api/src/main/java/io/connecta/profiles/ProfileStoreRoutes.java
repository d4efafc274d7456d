package io.connecta.profiles;

import io.connecta.common.problem.ApiProblemException;
import io.connecta.common.problem.ProblemRouteConfiguration;
import io.connecta.common.rest.PageRequest;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Profile storage on camel-sql: named, parameterised SQL only. The routes take a validated {@link CuProfile}
 * (or a {@code profileId} header) and leave the answer as the body with the HTTP status set.
 * {@code direct:profile-load} is the in-process read that the CU's job routes use.
 */
@Component
public class ProfileStoreRoutes extends RouteBuilder {

    static final String PROFILE = "connectaProfile";

    private static final String COLUMNS = "id, name, description, executable, args_json, env_json, timeout_seconds,"
            + " success_exit_codes, output_name, version, created_at, updated_at";
    private static final String SELECT_ONE = "sql:SELECT " + COLUMNS + " FROM cu_profile WHERE id = :#profileId"
            + "?outputType=SelectOne";
    private static final String SELECT_PAGE = "sql:SELECT " + COLUMNS + " FROM cu_profile ORDER BY id"
            + " LIMIT :#limit OFFSET :#offset";
    private static final String COUNT_ALL = "sql:SELECT COUNT(*) FROM cu_profile?outputType=SelectOne&outputHeader=total";
    private static final String COUNT_ONE = "sql:SELECT COUNT(*) FROM cu_profile WHERE id = :#id"
            + "?outputType=SelectOne&outputHeader=exists";
    private static final String INSERT = "sql:INSERT INTO cu_profile (" + COLUMNS + ") VALUES (:#id, :#name,"
            + " :#description, :#executable, :#argsJson, :#envJson, :#timeoutSeconds, :#successExitCodes, :#output,"
            + " :#version, :#createdAt, :#updatedAt)";
    // the version check in the WHERE clause is the optimistic lock
    private static final String UPDATE = "sql:UPDATE cu_profile SET name = :#name, description = :#description,"
            + " executable = :#executable, args_json = :#argsJson, env_json = :#envJson,"
            + " timeout_seconds = :#timeoutSeconds, success_exit_codes = :#successExitCodes, output_name = :#output,"
            + " version = :#newVersion, updated_at = :#updatedAt WHERE id = :#id AND version = :#version";
    private static final String DELETE = "sql:DELETE FROM cu_profile WHERE id = :#profileId";

    private final CuProfileValidator validator;
    private final CuProfileRows rows;
    private final Clock clock;

    public ProfileStoreRoutes(CuProfileValidator validator, CuProfileRows rows, Clock clock) {
        this.validator = validator;
        this.rows = rows;
        this.clock = clock;
    }

    @Override
    public void configure() {
        from("direct:profile-list").routeId("profile-list").routeConfigurationId(ProblemRouteConfiguration.ID)
                .process(e -> {
                    PageRequest page = PageRequest.of(e.getMessage());
                    e.getMessage().setHeader("limit", page.limit());
                    e.getMessage().setHeader("offset", page.offset());
                })
                .to(COUNT_ALL)
                .to(SELECT_PAGE)
                .process(e -> e.getMessage().setBody(new ProfilePage(
                        rows.fromRows(e.getMessage().getBody(List.class)),
                        e.getMessage().getHeader("total", Long.class),
                        e.getMessage().getHeader("limit", Integer.class),
                        e.getMessage().getHeader("offset", Integer.class))));

        from("direct:profile-get").routeId("profile-get").routeConfigurationId(ProblemRouteConfiguration.ID)
                .to("direct:profile-load");

        // an internal step: failures go back to the calling route, whose error handling answers them
        from("direct:profile-load").routeId("profile-load").errorHandler(noErrorHandler())
                .filter(e -> !CuProfileValidator.isWellFormedId(e.getMessage().getHeader("profileId", String.class)))
                    .process(this::notFound)
                .end()
                // a SelectOne that finds no row leaves the body as it was: start from none, so "not found" is seen
                .setBody(constant(null))
                .to(SELECT_ONE)
                .filter(body().isNull())
                    .process(this::notFound)
                .end()
                .process(e -> e.getMessage().setBody(rows.fromRow(e.getMessage().getBody(Map.class))));

        from("direct:profile-create").routeId("profile-create").routeConfigurationId(ProblemRouteConfiguration.ID)
                .process(e -> {
                    Instant now = now();
                    CuProfile valid = validator.validate(e.getMessage().getBody(CuProfile.class), null);
                    e.setProperty(PROFILE, valid.stored(valid.id(), 1L, now, now));
                })
                .setBody(e -> rows.toParams(e.getProperty(PROFILE, CuProfile.class)))
                .to(INSERT)
                .setBody(exchangeProperty(PROFILE))
                .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(201))
                .setHeader("Location", simple("{{camel.rest.context-path:}}/profiles/${exchangeProperty." + PROFILE + ".id}"));

        from("direct:profile-update").routeId("profile-update").routeConfigurationId(ProblemRouteConfiguration.ID)
                .process(e -> {
                    String id = e.getMessage().getHeader("profileId", String.class);
                    if (!CuProfileValidator.isWellFormedId(id)) {
                        notFound(e);
                    }
                    CuProfile valid = validator.validate(e.getMessage().getBody(CuProfile.class), id);
                    Map<String, Object> params = rows.toParams(valid.stored(id, valid.version(), null, now()));
                    params.put("newVersion", valid.version() + 1);
                    e.getMessage().setBody(params);
                })
                .to(UPDATE)
                .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(0))
                    .to(COUNT_ONE)
                    .process(e -> {
                        Map<?, ?> params = e.getMessage().getBody(Map.class);
                        if (e.getMessage().getHeader("exists", Long.class) == 0) {
                            notFound(e);
                        }
                        throw ApiProblemException.conflict("profile '" + params.get("id") + "' is at a newer version than "
                                + params.get("version") + "; read it again and retry");
                    })
                .end()
                .to("direct:profile-load");

        from("direct:profile-delete").routeId("profile-delete").routeConfigurationId(ProblemRouteConfiguration.ID)
                .filter(e -> !CuProfileValidator.isWellFormedId(e.getMessage().getHeader("profileId", String.class)))
                    .process(this::notFound)
                .end()
                .to(DELETE)
                .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(0))
                    .process(this::notFound)
                .end()
                .setBody(constant(null))
                .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(204));
    }

    private void notFound(Exchange e) {
        throw ApiProblemException.notFound("no profile with id '" + e.getMessage().getHeader("profileId", String.class) + "'");
    }

    private Instant now() {
        // the databases keep microseconds at most; millis round-trip exactly on both
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
