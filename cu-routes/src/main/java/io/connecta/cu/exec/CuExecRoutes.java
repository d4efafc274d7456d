package io.connecta.cu.exec;

import io.connecta.profiles.CuProfile;
import io.connecta.common.problem.FieldError;
import io.connecta.profiles.ExecutableAllowList;
import io.connecta.profiles.ProfilePolicy;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.exec.ExecBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The CU run step: runs the allow-listed executable of the profile in the job's work directory and judges the
 * result. In: property {@link CuExec#PROFILE}, header {@link CuExec#WORK_DIR} (holding the file
 * {@link CuExec#INPUT_FILE}). Out: the body is an {@link ExecOutcome}.
 * <p>
 * Two kinds of failure. Domain failures belong to the job and are an outcome with {@code success == false}: an
 * executable key not in the allow-list, arguments or variables its allow-list entry does not allow (checked again
 * here, nothing runs), an exit code outside successExitCodes, a timeout, no output file.
 * Infrastructure failures are thrown ({@link CuInfrastructureException}, or camel-exec's exception when the process
 * cannot be started), so the caller's retry handling deals with them: the executable file missing or not
 * executable, the work directory or the input missing.
 */
@Component
public class CuExecRoutes extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(CuExecRoutes.class);

    /** File names the worker itself uses in the work directory; a profile's output cannot be one of them. */
    private static final Set<String> RESERVED = Set.of(CuExec.INPUT_FILE, CuExec.STDOUT_LOG, CuExec.STDERR_LOG);

    private final ExecutableAllowList allowList;
    private final ProfilePolicy policy;

    public CuExecRoutes(ExecutableAllowList allowList, ProfilePolicy policy) {
        this.allowList = allowList;
        this.policy = policy;
    }

    @Override
    public void configure() {
        // an internal step: exceptions go back to the calling route, whose error handling decides on a retry
        from(CuExec.ENDPOINT).routeId("cu-exec").errorHandler(noErrorHandler())
                .process(this::resolve)
                .filter(exchangeProperty(CuExec.COMMAND).isNotNull())
                    .to("exec:cu?commandExecutor=#cuCommandExecutor&binding=#cuExecBinding")
                    .process(this::judge)
                .end();
    }

    /** Sets the exec headers for the profile, or the outcome when the profile cannot run at all. */
    private void resolve(Exchange exchange) {
        exchange.removeProperty(CuExec.COMMAND);
        Message message = exchange.getMessage();
        CuProfile profile = exchange.getProperty(CuExec.PROFILE, CuProfile.class);
        Object workDir = message.getHeader(CuExec.WORK_DIR);
        if (profile == null || workDir == null) {
            throw new IllegalArgumentException("cu-exec needs the property " + CuExec.PROFILE + " and the header "
                    + CuExec.WORK_DIR);
        }
        profile = profile.withDefaults();
        Optional<Path> executable = allowList.pathOf(profile.executable());
        if (executable.isEmpty()) {
            refuse(exchange, profile, "executable " + profile.executable() + " is not in the allow-list");
            return;
        }
        // again at the run: the profile may be older than the deployer's current allow-list
        List<FieldError> violations = policy.violations(profile);
        if (!violations.isEmpty()) {
            refuse(exchange, profile, "the profile breaks the allow-list of " + profile.executable() + ": "
                    + violations.stream().map(v -> v.field() + " " + v.message()).collect(Collectors.joining("; ")));
            return;
        }
        if (RESERVED.contains(profile.output())) {
            refuse(exchange, profile, "output file name " + profile.output() + " is reserved by the worker");
            return;
        }
        CuCommand command = CuCommand.of(profile, executable.get(), Path.of(workDir.toString()));
        exchange.setProperty(CuExec.COMMAND, command);
        message.setBody(null);
        message.setHeader(ExecBinding.EXEC_COMMAND_EXECUTABLE, command.executable().toString());
        message.setHeader(ExecBinding.EXEC_COMMAND_ARGS, command.args());
        message.setHeader(ExecBinding.EXEC_COMMAND_TIMEOUT, command.timeoutMillis());
        message.setHeader(ExecBinding.EXEC_COMMAND_WORKING_DIR, command.workDir().toString());
        message.setHeader(CuExec.ENV, command.env());
    }

    private void refuse(Exchange exchange, CuProfile profile, String reason) {
        LOG.warn("cu-exec profile {}: not run: {}", profile.id(), reason);
        exchange.getMessage().setBody(ExecOutcome.refused(reason));
    }

    /** camel-exec does not fail on any exit value: the profile's successExitCodes decide here. */
    private void judge(Exchange exchange) {
        Message message = exchange.getMessage();
        CuCommand command = exchange.getProperty(CuExec.COMMAND, CuCommand.class);
        CuExecResult result = message.getBody(CuExecResult.class);
        int exitCode = message.getHeader(ExecBinding.EXEC_EXIT_VALUE, Integer.class);
        message.removeHeader(ExecBinding.EXEC_STDERR);
        String tail = result.stderrTail();
        long millis = result.durationMillis();
        ExecOutcome outcome;
        if (result.timedOut()) {
            outcome = ExecOutcome.failed(null, "timed out after " + command.timeout().toSeconds() + " s", tail, millis);
        } else if (!command.successExitCodes().contains(exitCode)) {
            outcome = ExecOutcome.failed(exitCode, "exit code " + exitCode + " is not in successExitCodes "
                    + command.successExitCodes(), tail, millis);
        } else if (!Files.exists(command.outputFile(), LinkOption.NOFOLLOW_LINKS)) {
            outcome = ExecOutcome.failed(exitCode, "the CU wrote no output file " + command.outputFile().getFileName(),
                    tail, millis);
        } else if (!Files.isRegularFile(command.outputFile(), LinkOption.NOFOLLOW_LINKS)) {
            // a link the CU made would lead the upload (or the drop-in's out/) to a file outside its work dir
            outcome = ExecOutcome.failed(exitCode, "the CU's output " + command.outputFile().getFileName()
                    + " is not a regular file (a link, a folder or a pipe); links are never followed", tail, millis);
        } else {
            outcome = ExecOutcome.succeeded(exitCode, tail, command.outputFile(), millis);
        }
        if (outcome.success()) {
            LOG.info("cu-exec profile {}: succeeded with exit code {} in {} ms", command.profileId(), exitCode, millis);
        } else {
            LOG.warn("cu-exec profile {}: failed after {} ms: {}", command.profileId(), millis, outcome.reason());
        }
        exchange.removeProperty(CuExec.COMMAND);
        message.setBody(outcome);
    }
}
