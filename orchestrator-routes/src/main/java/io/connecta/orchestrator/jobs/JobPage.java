package io.connecta.orchestrator.jobs;

import java.util.List;

/** One page of the job list, newest first. */
public record JobPage(List<JobView> items, long total, int limit, int offset) {
}
