/**
 * The example "custom agent desktop": an integrator's own web app with its own login and session, whose backend gets
 * Deskframe agent tokens through the token broker and hands them to its page, which embeds the widgets. Uses only the
 * JDK's HTTP server and the token broker.
 */
package org.deskframe.examples.desktop;
