package io.connecta.cu.exec;

import org.apache.camel.Exchange;
import org.apache.camel.component.exec.ExecBinding;
import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecEndpoint;
import org.apache.camel.component.exec.impl.DefaultExecBinding;

import java.util.Map;

/**
 * camel-exec's binding plus the child's environment: the {@link CuExec#ENV} header travels to the
 * {@link CuCommandExecutor} inside the command, since an executor sees only the command, not the exchange.
 * It also refuses a command without an explicit executable header, so the endpoint's path is never run.
 */
public class CuExecBinding extends DefaultExecBinding {

    @Override
    public ExecCommand readInput(Exchange exchange, ExecEndpoint endpoint) {
        if (exchange.getMessage().getHeader(ExecBinding.EXEC_COMMAND_EXECUTABLE) == null) {
            throw new IllegalStateException("no " + ExecBinding.EXEC_COMMAND_EXECUTABLE
                    + " header: the CU executable must come from the allow-list");
        }
        @SuppressWarnings("unchecked")
        Map<String, String> env = exchange.getMessage().removeHeader(CuExec.ENV) instanceof Map<?, ?> m
                ? (Map<String, String>) m : Map.of();
        return new EnvExecCommand(super.readInput(exchange, endpoint), env);
    }

    /** An {@link ExecCommand} with the profile's environment variables, for the child's fixed environment. */
    static final class EnvExecCommand extends ExecCommand {

        private static final long serialVersionUID = 1L;

        private final Map<String, String> env;

        EnvExecCommand(ExecCommand command, Map<String, String> env) {
            super(command.getExecutable(), command.getArgs(), command.getWorkingDir(), command.getTimeout(),
                    command.getExitValues(), command.getInput(), command.getOutFile(),
                    command.isUseStderrOnEmptyStdout(), command.getCommandLogLevel());
            this.env = Map.copyOf(env);
        }

        Map<String, String> env() {
            return env;
        }
        // toString stays ExecCommand's: environment values (possibly secrets) are not logged
    }
}
