/**
 * The one error catalogue: every failure Deskframe reports, on any path (HTTP, WebSocket close,
 * widget, CLI, log), is an {@link org.deskframe.diagnostics.ErrorCode} rendered as a {@link org.deskframe.diagnostics.Problem}.
 * Depends on nothing else in Deskframe.
 */
@org.springframework.modulith.ApplicationModule(type = org.springframework.modulith.ApplicationModule.Type.OPEN, allowedDependencies = {})
package org.deskframe.diagnostics;
