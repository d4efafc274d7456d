package io.connecta.cu.jobs;

/**
 * A job the worker started on its own (a legacy drop-in file): its result messages carry origin {@code DROP_IN},
 * the profile and the input's name, so the orchestrator records the job when the first of them arrives.
 */
public record OwnJob(String profileId, String inputName) {
}
