/**
 * The platform's own pages for people: the front page (what this deployment is, where to start), the agents' sign-in
 * page, the documentation, and an error page with a catalogue code for every failure a browser can meet. Uses
 * identity's settings and the error catalogue.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"diagnostics", "identity", "gateway", "guest"})
package org.deskframe.site;
