package io.connecta.orchestrator.registry;

import org.springframework.security.web.util.matcher.IpAddressMatcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The hosts a worker's baseUrl may name ({@code connecta.orchestrator.registry.allowed-hosts}): networks (CIDR),
 * addresses and host names. An address literal is matched against the networks and addresses; a name only against
 * the names, exactly: nothing is resolved here (a name that resolves to an allowed network today may not tomorrow).
 */
final class WorkerHosts {

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,62})(\\.[a-z0-9]([a-z0-9-]{0,62}))*\\.?");

    private final List<IpAddressMatcher> networks = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final String description;

    WorkerHosts(List<String> entries) {
        for (String raw : entries) {
            String entry = raw.trim().toLowerCase(Locale.ROOT);
            String address = entry.contains("/") ? entry.substring(0, entry.indexOf('/')) : entry;
            address = unbracket(address);
            if (isAddressLiteral(address)) {
                networks.add(new IpAddressMatcher(entry.contains("/") ? address + entry.substring(entry.indexOf('/')) : address));
            } else if (NAME.matcher(entry).matches()) {
                names.add(stripDot(entry));
            } else {
                throw new IllegalArgumentException("connecta.orchestrator.registry.allowed-hosts: '" + raw
                        + "' is neither a network (CIDR), an address nor a host name");
            }
        }
        description = String.join(", ", entries);
    }

    /** Whether {@code host} (as {@link java.net.URI#getHost()} gives it: IPv6 in brackets) may be called. */
    boolean allows(String host) {
        String h = unbracket(host.toLowerCase(Locale.ROOT));
        if (isAddressLiteral(h)) {
            return networks.stream().anyMatch(n -> n.matches(h));
        }
        return names.contains(stripDot(h));
    }

    String describe() {
        return description.isEmpty() ? "none configured" : description;
    }

    static boolean isAddressLiteral(String host) {
        return IPV4.matcher(host).matches() || IPV6.matcher(host).matches();
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
