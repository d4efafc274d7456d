package io.connecta.cu.dropin;

import io.connecta.common.ops.Printable;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.nio.file.Files;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which folders the drop-in consumer walks (camel-file's {@code filter}, asked for folders and files alike): only
 * {@code <profileId>/} of an existing profile ({@link DropIn#profiles()}) and its {@code in/}, and neither when it is a
 * symbolic link: a link to a folder is left alone and logged once (issue 10: the drop-in never follows links; a folder
 * of no profile is left alone). Files pass: a dropped link is moved to error/ by the route, never read.
 */
public class DropInFilter implements GenericFileFilter<File> {

    private static final Logger LOG = LoggerFactory.getLogger(DropInFilter.class);

    private final DropIn dropIn;
    private final Set<String> linksLogged = ConcurrentHashMap.newKeySet();

    public DropInFilter(DropIn dropIn) {
        this.dropIn = dropIn;
    }

    @Override
    public boolean accept(GenericFile<File> file) {
        if (!file.isDirectory()) {
            return true;
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
}
