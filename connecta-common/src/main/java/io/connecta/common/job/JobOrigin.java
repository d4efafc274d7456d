package io.connecta.common.job;

/** Where a job came from. */
public enum JobOrigin {
    FE, JMS, DROP_IN
}
