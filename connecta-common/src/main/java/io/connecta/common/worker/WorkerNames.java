package io.connecta.common.worker;

import java.util.regex.Pattern;

/** The name rules of DESIGN.md that several parts check: one definition each. */
public final class WorkerNames {

    /** A worker type, e.g. {@code cu}; also part of a queue name ({@code connecta.jobs.<type>}). */
    public static final Pattern WORKER_TYPE = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    /** A profile id; also a path segment of the profiles APIs. */
    public static final Pattern PROFILE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private WorkerNames() {
    }
}
