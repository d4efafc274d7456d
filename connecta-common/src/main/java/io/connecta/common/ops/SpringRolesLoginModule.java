package io.connecta.common.ops;

import io.hawt.web.auth.RolePrincipal;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

import javax.security.auth.Subject;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.spi.LoginModule;
import java.security.Principal;
import java.util.List;
import java.util.Map;

/**
 * JAAS login module after Spring Security's {@code SecurityContextLoginModule}: adds a Hawtio {@link RolePrincipal}
 * for each role of the Spring Security authentication ({@code ROLE_admin} → {@code admin}), so {@code hawtio.roles}
 * can be checked.
 */
public class SpringRolesLoginModule implements LoginModule {

    private Subject subject;

    @Override
    public void initialize(Subject subject, CallbackHandler callbackHandler, Map<String, ?> sharedState, Map<String, ?> options) {
        this.subject = subject;
    }

    @Override
    public boolean login() {
        return true;
    }

    @Override
    public boolean commit() {
        for (Principal principal : List.copyOf(subject.getPrincipals())) {
            if (principal instanceof Authentication authentication) {
                for (GrantedAuthority authority : authentication.getAuthorities()) {
                    String role = authority.getAuthority();
                    subject.getPrincipals().add(new RolePrincipal(role.startsWith("ROLE_") ? role.substring(5) : role));
                }
            }
        }
        return true;
    }

    @Override
    public boolean abort() {
        return true;
    }

    @Override
    public boolean logout() {
        subject.getPrincipals().removeIf(RolePrincipal.class::isInstance);
        return true;
    }
}
