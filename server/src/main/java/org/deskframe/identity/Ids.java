package org.deskframe.identity;

/**
 * The one rule for the ids of orgs, agents, queues and OAuth clients: URL-safe, so they appear in paths and
 * claims without escaping. Public so that request validation (admin API) states the same rule the store enforces.
 */
public final class Ids {

    public static final String PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";
    public static final String RULE = "must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit";

    private Ids() {}
}
