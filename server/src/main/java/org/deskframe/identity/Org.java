package org.deskframe.identity;

/** An organisation: the tenant every agent, queue, client and conversation belongs to. Lives in one region. */
public record Org(String id, String name, String region) {}
