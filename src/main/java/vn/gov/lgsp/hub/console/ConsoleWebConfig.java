package vn.gov.lgsp.hub.console;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.springframework.context.MessageSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.ResourceBundleMessageSource;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.i18n.LocaleChangeInterceptor;
import org.springframework.web.servlet.i18n.SessionLocaleResolver;

/**
 * The console's labels: Vietnamese first (console/messages.properties, the centre staff's words of the glossary),
 * English with {@code ?lang=en} (kept for the session; {@code ?lang=vi} goes back).
 */
@Configuration
public class ConsoleWebConfig implements WebMvcConfigurer {
    public static final Locale VIETNAMESE = Locale.forLanguageTag("vi");

    @Bean
    public MessageSource messageSource() {
        ResourceBundleMessageSource m = new ResourceBundleMessageSource();
        m.setBasenames("console/messages");
        m.setDefaultEncoding(StandardCharsets.UTF_8.name());
        m.setFallbackToSystemLocale(false);   // never the server's locale: Vietnamese unless English was asked for
        return m;
    }

    @Bean
    public LocaleResolver localeResolver() {
        SessionLocaleResolver r = new SessionLocaleResolver();
        r.setDefaultLocale(VIETNAMESE);
        return r;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        LocaleChangeInterceptor lang = new LocaleChangeInterceptor();
        lang.setParamName("lang");
        lang.setIgnoreInvalidLocale(true);
        registry.addInterceptor(lang).addPathPatterns("/console/**");
    }
}
