package io.connecta.common.ops;

import io.hawt.system.ConfigManager;
import io.hawt.web.auth.AuthenticationConfiguration;
import jakarta.servlet.ServletContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.context.ServletContextAware;

import javax.security.auth.login.AppConfigurationEntry;
import java.util.Map;
import java.util.Optional;

/**
 * Puts Hawtio's authentication on top of Spring Security.
 * <p>
 * hawtio-springboot 4.3.0 does this itself only when the {@code hawtio-springboot-security} jar is on the class path,
 * and that jar is not published to Maven Central. So this does what it would: it tells Hawtio that Spring Security is
 * in charge and gives Hawtio a JAAS configuration of two login modules, Spring Security's
 * {@code SecurityContextLoginModule} (the request's Spring Security authentication becomes the JAAS subject) and
 * {@link SpringRolesLoginModule} (its roles become Hawtio role principals, checked against {@code hawtio.roles}).
 * Hawtio's login servlet, its Jolokia filter and its logout then all follow Spring Security; the password itself is
 * checked by {@link HawtioLoginFilter} or HTTP Basic, both throttled by {@link ThrottledAuthentication}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "io.hawt.web.auth.AuthenticationConfiguration")
public class HawtioSpringSecurityBridge implements SmartInitializingSingleton, ServletContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(HawtioSpringSecurityBridge.class);

    private ServletContext servletContext;

    @Override
    public void setServletContext(ServletContext servletContext) {
        this.servletContext = servletContext;
    }

    /** Runs after the embedded server started its servlet context (and Hawtio's listener), before it takes requests. */
    @Override
    public void afterSingletonsInstantiated() {
        authConfig().ifPresent(auth -> {
            if (!auth.isEnabled()) {
                LOG.warn("Hawtio authentication is disabled (hawtio.authenticationEnabled=false)");
                return;
            }
            auth.setSpringSecurityEnabled(true);
            auth.setConfiguration(new SpringSecurityJaas());
            LOG.info("Hawtio authenticates through Spring Security (realm '{}', roles '{}')", auth.getRealm(), auth.getRoles());
        });
    }

    private Optional<AuthenticationConfiguration> authConfig() {
        if (servletContext == null || servletContext.getAttribute(ConfigManager.CONFIG_MANAGER) == null) {
            return Optional.empty();
        }
        return Optional.of(AuthenticationConfiguration.getConfiguration(servletContext));
    }

    static final class SpringSecurityJaas extends javax.security.auth.login.Configuration {

        private static final AppConfigurationEntry[] ENTRIES = {
                new AppConfigurationEntry("org.springframework.security.authentication.jaas.SecurityContextLoginModule",
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, Map.of()),
                new AppConfigurationEntry(SpringRolesLoginModule.class.getName(),
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, Map.of())
        };

        @Override
        public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
            return ENTRIES.clone();
        }
    }
}
