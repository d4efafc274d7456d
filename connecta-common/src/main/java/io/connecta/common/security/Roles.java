package io.connecta.common.security;

import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;

/** The roles of the APIs (the values of the roles claim) and their hierarchy: admin > submitter > viewer. */
public final class Roles {

    /** Reads jobs, workers, profiles and the OpenAPI documents. */
    public static final String VIEWER = "connecta-viewer";
    /** A viewer who also submits, cancels and reruns jobs. */
    public static final String SUBMITTER = "connecta-submitter";
    /** A submitter who also writes profiles (and may call a worker's profile API directly). */
    public static final String ADMIN = "connecta-admin";
    /** A worker: the BE API ({@code /api/be/**}) only. */
    public static final String WORKER = "connecta-worker";
    /** The orchestrator's service credential: calls the workers' profile APIs. */
    public static final String ORCHESTRATOR = "connecta-orchestrator";

    private Roles() {
    }

    /** Admin implies submitter implies viewer; worker and orchestrator imply nothing. */
    public static RoleHierarchy hierarchy() {
        return RoleHierarchyImpl.withDefaultRolePrefix()
                .role(ADMIN).implies(SUBMITTER)
                .role(SUBMITTER).implies(VIEWER)
                .build();
    }
}
