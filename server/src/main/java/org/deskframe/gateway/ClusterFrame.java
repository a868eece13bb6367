package org.deskframe.gateway;

import java.util.List;

/** A frame for some principals' sessions that other nodes must deliver too, to sessions that may receive {@code scope}. */
record ClusterFrame(List<String> principals, String scope, String frame) {}
