/**
 * The gateway's one wire protocol: every op ({@link org.deskframe.protocol.Op}), the frames a client sends
 * ({@link org.deskframe.protocol.ClientFrame}) and the server sends ({@link org.deskframe.protocol.ServerFrame}) as
 * sealed records, their JSON shapes (views of conversations, messages, participants), and the codec. Specified with an
 * example of every frame in docs/protocol.md, which a test compares with {@link org.deskframe.protocol.Op}. Uses only
 * the error catalogue.
 */
@org.springframework.modulith.ApplicationModule(type = org.springframework.modulith.ApplicationModule.Type.OPEN,
        allowedDependencies = "diagnostics")
package org.deskframe.protocol;
