package io.connecta.cu.jobs;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code connecta.cu.jobs.*} */
@ConfigurationProperties(prefix = "connecta.cu.jobs")
public class CuJobProperties {

    /**
     * Each job runs in a fresh directory below {@code <workRoot>/<instanceId>/jobs/}, removed when the job ends
     * ({@link WorkRoot}).
     */
    private String workRoot = "var/work";
    /** Root of the shared file system for file-reference jobs ({@code file} instead of {@code blobId}). */
    private String fileRoot = "var/shared";

    public String getWorkRoot() {
        return workRoot;
    }

    public void setWorkRoot(String workRoot) {
        this.workRoot = workRoot;
    }

    public String getFileRoot() {
        return fileRoot;
    }

    public void setFileRoot(String fileRoot) {
        this.fileRoot = fileRoot;
    }
}
