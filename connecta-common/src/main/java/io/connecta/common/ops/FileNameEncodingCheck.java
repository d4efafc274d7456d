package io.connecta.common.ops;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * At start-up, checks the charset the JVM uses for file names ({@code sun.jnu.encoding}, taken from the locale when
 * the JVM starts and fixed from then on). Under a locale that is not UTF-8 ({@code LC_ALL=C}, or no locale at all in
 * a bare container) it is ASCII: a file named {@code Übersicht-März.txt} cannot be opened, and the drop-in would pass
 * it over without a word. The app then logs an ERROR that says how to fix it, and keeps running (an app without
 * non-ASCII file names loses nothing; refusing to start would take down a worker for a name it may never see).
 * {@code ./connecta} starts the apps under {@code LC_ALL=C.UTF-8} unless the caller's locale is UTF-8 already.
 */
@Component
public class FileNameEncodingCheck implements ApplicationListener<ApplicationStartedEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(FileNameEncodingCheck.class);

    @Override
    public void onApplicationEvent(ApplicationStartedEvent event) {
        problem(System.getProperty("sun.jnu.encoding")).ifPresent(LOG::error);
    }

    /** The ERROR text for a JVM whose file names are in {@code encoding}; empty when that is UTF-8. */
    static Optional<String> problem(String encoding) {
        if (encoding != null && Charset.isSupported(encoding) && Charset.forName(encoding).equals(StandardCharsets.UTF_8)) {
            return Optional.empty();
        }
        return Optional.of("File names are not UTF-8 in this JVM (sun.jnu.encoding=" + encoding + ", from the locale"
                + " it was started in): files whose names are not ASCII, such as a dropped Übersicht-März.txt, cannot be"
                + " read and are skipped. Start the app under a UTF-8 locale, e.g. LC_ALL=C.UTF-8 (./connecta does so"
                + " unless your locale is UTF-8 already).");
    }
}
