package org.deskframe.identity.internal;

import com.nimbusds.jwt.JWTParser;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Lets {@code private_key_jwt} clients leave out {@code client_id}, as RFC 7523 (2.2) allows and standard libraries
 * such as Nimbus do: Spring's converter insists on it and answers a bare {@code invalid_request}. The client id is
 * taken from the assertion's {@code sub}; the assertion's signature, {@code iss} and {@code sub} are verified later
 * against that client's registered keys, so nothing is trusted on the way in.
 */
class ClientAssertionClientId implements AuthenticationConverter {

    static final String JWT_BEARER_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private final AuthenticationConverter springConverter;

    ClientAssertionClientId(AuthenticationConverter springConverter) {
        this.springConverter = springConverter;
    }

    @Override
    public Authentication convert(HttpServletRequest request) {
        if (request.getParameter("client_id") == null) {
            Optional<String> subject = subject(request);
            if (subject.isPresent()) {
                return springConverter.convert(withClientId(request, subject.get()));
            }
        }
        return springConverter.convert(request);
    }

    /** The unverified {@code sub} of a JWT client assertion in the request, if there is one. */
    static Optional<String> subject(HttpServletRequest request) {
        String assertion = request.getParameter("client_assertion");
        if (!JWT_BEARER_ASSERTION_TYPE.equals(request.getParameter("client_assertion_type")) || assertion == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(JWTParser.parse(assertion).getJWTClaimsSet().getSubject()).filter(s -> !s.isBlank());
        } catch (java.text.ParseException e) {
            return Optional.empty();
        }
    }

    private static HttpServletRequest withClientId(HttpServletRequest request, String clientId) {
        Map<String, String[]> parameters = new LinkedHashMap<>(request.getParameterMap());
        parameters.put("client_id", new String[] {clientId});
        Map<String, String[]> view = Collections.unmodifiableMap(parameters);
        return new HttpServletRequestWrapper(request) {
            @Override
            public String getParameter(String name) {
                String[] values = view.get(name);
                return values == null || values.length == 0 ? null : values[0];
            }

            @Override
            public Map<String, String[]> getParameterMap() {
                return view;
            }

            @Override
            public Enumeration<String> getParameterNames() {
                return Collections.enumeration(view.keySet());
            }

            @Override
            public String[] getParameterValues(String name) {
                return view.get(name);
            }
        };
    }
}
