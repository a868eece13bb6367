package org.deskframe.protocol;

import java.util.Map;

/** A customer as an agent's desktop sees it (offers, screen pops): who it is and what the integrator said about it. */
public record CustomerView(String id, String name, String email, boolean verified, Map<String, String> attributes) {}
