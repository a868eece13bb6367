/**
 * The {@code deskframe} command line: {@code doctor} checks, from outside, everything a widget needs to start
 * (discovery, the token, the embedding origin, a real gateway handshake per widget) and prints a checklist with each
 * problem's code, message and fix; {@code admin} lists organisations and agents over the admin API. Talks to the
 * platform over HTTP and WebSocket only.
 */
package org.deskframe.cli;
