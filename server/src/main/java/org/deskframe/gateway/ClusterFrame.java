package org.deskframe.gateway;

import java.util.List;

/** A frame for some agents' sessions that other nodes must deliver too (typing, receipts, new conversations). */
record ClusterFrame(List<String> agents, String frame) {}
