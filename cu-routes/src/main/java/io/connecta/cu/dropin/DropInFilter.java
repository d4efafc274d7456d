package io.connecta.cu.dropin;

import io.connecta.common.ops.Printable;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which folders the drop-in consumer walks (camel-file's {@code filter}, asked for folders and files alike): only
 * {@code <profileId>/} of an existing profile ({@link DropIn#profiles()}) and its {@code in/}, and neither when it is a
 * symbolic link: a link to a folder is left alone and logged once (issue 10: the drop-in never follows links; a folder
 * of no profile is left alone). Files: see {@link #acceptFile}.
 */
public class DropInFilter implements GenericFileFilter<File> {

    private static final Logger LOG = LoggerFactory.getLogger(DropInFilter.class);

    private final DropIn dropIn;
    private final Set<String> linksLogged = ConcurrentHashMap.newKeySet();

    private final long minLength;

    /**
     * @param dropIn    the profiles whose folders are walked
     * @param minLength {@code connecta.cu.dropin.read-lock.min-length}: smaller files are not taken yet
     */
    public DropInFilter(DropIn dropIn, long minLength) {
        this.dropIn = dropIn;
        this.minLength = minLength;
    }

    @Override
    public boolean accept(GenericFile<File> file) {
        if (!file.isDirectory()) {
            return acceptFile(file);
        }
        String[] segments = file.getRelativeFilePath().split("/");
        boolean wanted = segments.length == 1 ? dropIn.profiles().contains(segments[0])
                : segments.length == 2 && segments[1].equals("in");
        if (wanted && Files.isSymbolicLink(file.getFile().toPath())) {
            if (linksLogged.add(file.getRelativeFilePath())) {
                LOG.warn("Drop-in: {} is a symbolic link; the drop-in never follows links and leaves it alone",
                        Printable.of(file.getRelativeFilePath()));
            }
            return false;
        }
        return wanted;
    }

    /**
     * A file is taken (and then waited on by the read lock) only when it can ever be processed: a link to something
     * (moved to error/ by the route, never read), or a regular file of at least {@code read-lock.min-length} bytes. A
     * link to nothing, a pipe, socket or device is left alone and logged once; an empty file waits for its bytes.
     * Without this the read lock would wait its whole timeout on each of them at every poll, holding up every profile.
     */
    private boolean acceptFile(GenericFile<File> file) {
        Path path = file.getFile().toPath();
        if (Files.isSymbolicLink(path)) {
            return Files.exists(path) || leftAlone(file, "is a symbolic link to nothing");
        }
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return leftAlone(file, "is not a regular file (a pipe, socket or device)");
        }
        return file.getFileLength() >= minLength;
    }

    private boolean leftAlone(GenericFile<File> file, String why) {
        if (linksLogged.add(file.getRelativeFilePath())) {
            LOG.warn("Drop-in: {} {}; the drop-in leaves it alone", Printable.of(file.getRelativeFilePath()), why);
        }
        return false;
    }
}
