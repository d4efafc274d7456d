package io.connecta.orchestrator.jobs;

import java.util.regex.Pattern;

/**
 * A request's JMSReplyTo, kept as text in the job row and turned back into an endpoint when the result is ready.
 * Only broker temporary destinations and plain names under {@code connecta.replies.} are accepted: the orchestrator
 * may write to every {@code connecta.>} destination, so a JMSReplyTo of {@code connecta.jobs.cu} would have it put
 * the result where the requester itself may not write.
 */
final class ReplyDestinations {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1,250}");
    /** The named reply destinations producers may read (the broker's authorization map says the same). */
    static final String PREFIX = "connecta.replies.";

    private ReplyDestinations() {
    }

    /** {@code queue://name}, {@code topic://name}, {@code temp-queue://ID:...}; null when there is none. */
    static String toUri(Object destination) {
        if (destination == null) {
            return null;
        }
        String text = destination.toString();
        int sep = text.indexOf("://");
        if (sep < 0) {
            throw new InvalidJobMessageException("JMSReplyTo '" + text + "' is not a queue or topic");
        }
        String kind = text.substring(0, sep);
        String name = text.substring(sep + 3);
        if (!(kind.equals("queue") || kind.equals("topic") || kind.equals("temp-queue") || kind.equals("temp-topic"))
                || !NAME.matcher(name).matches()) {
            throw new InvalidJobMessageException("JMSReplyTo '" + text + "' is not a plain queue or topic name");
        }
        if (!kind.startsWith("temp-") && !(name.startsWith(PREFIX) && name.length() > PREFIX.length())) {
            throw new InvalidJobMessageException("JMSReplyTo '" + text + "' is neither a temporary destination nor"
                    + " a queue or topic under " + PREFIX);
        }
        return kind + ":" + name;
    }

    /** The Camel endpoint for a stored reply destination. */
    static String endpoint(String stored) {
        return "activemq6:" + stored + "?disableReplyTo=true";
    }
}
