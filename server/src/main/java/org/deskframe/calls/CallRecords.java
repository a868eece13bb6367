package org.deskframe.calls;

import java.util.List;
import java.util.Optional;

/** Calls' records, for the admin API: an organisation's calls, newest first, ended ones included. */
public interface CallRecords {

    Optional<CallRecord> find(String orgId, String callId);

    List<CallRecord> ofOrg(String orgId, int limit, int offset);
}
