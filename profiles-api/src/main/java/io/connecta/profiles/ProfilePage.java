package io.connecta.profiles;

import java.util.List;

/** One page of the profile list, ordered by id. */
public record ProfilePage(List<CuProfile> items, long total, int limit, int offset) {
}
