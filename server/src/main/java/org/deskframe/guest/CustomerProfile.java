package org.deskframe.guest;

import java.util.Map;

/**
 * Who a customer is, as far as the platform knows: a guest's id and what it typed in the pre-chat form, or what the
 * integrator's backend signed about a verified customer. The agent's screen pop shows it.
 *
 * @param id         the customer's id (the gateway principal's id, {@code customer:<id>})
 * @param verified   true when the integrator's backend signed the identity
 * @param attributes further attributes the integrator signed, or pre-chat fields beyond name and email
 */
public record CustomerProfile(String id, String name, String email, boolean verified, Map<String, String> attributes) {
    public CustomerProfile {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
