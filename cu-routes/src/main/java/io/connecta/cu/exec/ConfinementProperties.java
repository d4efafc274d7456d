package io.connecta.cu.exec;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How a CU run is confined ({@code connecta.cu.sandbox.*}, {@code connecta.cu.run-as}); see {@link CuConfinement}.
 */
@ConfigurationProperties(prefix = "connecta.cu")
public class ConfinementProperties {

    /** {@code uid:gid} or a user name; when set and the worker runs as root, the CU runs as this user. */
    private String runAs = "";

    private final Sandbox sandbox = new Sandbox();

    public String getRunAs() {
        return runAs;
    }

    public void setRunAs(String runAs) {
        this.runAs = runAs == null ? "" : runAs.trim();
    }

    public Sandbox getSandbox() {
        return sandbox;
    }

    /** The sandbox tool: bubblewrap. */
    public static class Sandbox {

        /** {@code bwrap}: always; {@code none}: never; {@code auto}: where bwrap works, else a WARN at start-up. */
        private Mode mode = Mode.AUTO;

        /** true: a worker that cannot use the sandbox refuses to start. */
        private boolean required;

        private String bwrapPath = "/usr/bin/bwrap";

        public Mode getMode() {
            return mode;
        }

        public void setMode(Mode mode) {
            this.mode = mode;
        }

        public boolean isRequired() {
            return required;
        }

        public void setRequired(boolean required) {
            this.required = required;
        }

        public String getBwrapPath() {
            return bwrapPath;
        }

        public void setBwrapPath(String bwrapPath) {
            this.bwrapPath = bwrapPath;
        }
    }

    public enum Mode { BWRAP, NONE, AUTO }
}
