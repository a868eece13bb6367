package org.deskframe.protocol;

/** One of an organisation's canned responses, as agents list them to insert into the composer. */
public record CannedResponseView(String id, String title, String text) {}
