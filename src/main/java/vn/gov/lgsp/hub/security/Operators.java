package vn.gov.lgsp.hub.security;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** Who is acting: the authenticated caller's name (a token's preferred_username or sub), never a request header. */
public final class Operators {
    private Operators() {}

    /** The current caller's name for audit records; "anonymous" outside an authenticated request. */
    public static String current() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        return a == null || !a.isAuthenticated() || a.getName() == null ? "anonymous" : a.getName();
    }
}
