package io.connecta.common.security;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Takes a validated JWT and gives an authentication whose authorities are {@code ROLE_<role>} for each role found at
 * the configured claim path ({@code connecta.security.roles-claim}), expanded through {@link Roles#hierarchy()}.
 * The name of the authentication is the token's {@code sub}.
 */
public final class JwtRolesConverter implements Converter<Jwt, JwtAuthenticationToken> {

    private final String[] path;
    private final RoleHierarchy hierarchy;

    public JwtRolesConverter(String rolesClaim, RoleHierarchy hierarchy) {
        this.path = rolesClaim.split("\\.");
        this.hierarchy = hierarchy;
    }

    @Override
    public JwtAuthenticationToken convert(Jwt jwt) {
        List<GrantedAuthority> roles = new ArrayList<>();
        for (String role : roles(jwt.getClaims())) {
            roles.add(new SimpleGrantedAuthority("ROLE_" + role));
        }
        return new JwtAuthenticationToken(jwt, List.copyOf(hierarchy.getReachableGrantedAuthorities(roles)), jwt.getSubject());
    }

    private List<String> roles(Map<String, Object> claims) {
        Object value = claims;
        for (String segment : path) {
            if (!(value instanceof Map<?, ?> map)) {
                return List.of();
            }
            value = map.get(segment);
        }
        List<String> roles = new ArrayList<>();
        if (value instanceof Collection<?> list) {
            list.stream().filter(String.class::isInstance).map(String.class::cast).forEach(roles::add);
        } else if (value instanceof String text) {
            for (String role : text.split("[\\s,]+")) {
                if (!role.isEmpty()) {
                    roles.add(role);
                }
            }
        }
        return roles;
    }
}
