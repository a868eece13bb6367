package org.deskframe.diagnostics;

/**
 * Every failure Deskframe can report, with its HTTP status, its WebSocket close code, a message and a fix
 * hint. Close-code ranges tell a client what to do: 4000-4099 reconnect with backoff, 4100-4199 obtain a new
 * token and reconnect, 4300-4399 stop and fix the integration (the hint says how). Placeholders in
 * {@code {braces}} are filled from the problem's details.
 */
public enum ErrorCode {

    /** No bearer token reached the server. */
    TOKEN_MISSING("token.missing", 401, 4100,
            "No access token was presented.",
            "Send the token in the 'Authorization: Bearer <token>' header (HTTP) or in the authenticate frame (WebSocket)."),
    /** No bearer token, and the request came through a proxy that may have removed it. */
    TOKEN_MISSING_BEHIND_PROXY("token.missing", 401, 4100,
            "No access token was presented, and the request passed through a proxy ({proxy}).",
            "A proxy or load balancer may have stripped the Authorization header: configure it to forward 'Authorization' unchanged."),
    /** A token was put in the URL, where it leaks into logs and browser history. */
    TOKEN_IN_URL("token.in_url", 400, 4319,
            "An access token was sent in the URL, which Deskframe refuses.",
            "Remove the token from the URL and send it in the 'Authorization: Bearer' header."),
    /** The token is not a well-formed signed JWT. */
    TOKEN_MALFORMED("token.malformed", 401, 4300,
            "The access token is not a well-formed signed JWT ({reason}).",
            "Pass the access_token value from the token response unchanged (not the refresh token, id token or a quoted string)."),
    /** The token's header type is not at+jwt (RFC 9068). */
    TOKEN_WRONG_TYPE("token.wrong_type", 401, 4320,
            "The token's type is '{typ}', not an access token ('at+jwt').",
            "Send the access_token from the token response; ID tokens and assertions are not access tokens."),
    /** The signature does not verify with any of this region's keys. */
    TOKEN_BAD_SIGNATURE("token.bad_signature", 401, 4301,
            "The token's signature does not verify with this deployment's keys ({reason}).",
            "Obtain the token from this deployment's token endpoint; a token that was edited, or signed by another server, is refused."),
    /** The token's exp is in the past (beyond the allowed clock skew). */
    TOKEN_EXPIRED("token.expired", 401, 4101,
            "The access token expired at {expiredAt}.",
            "Obtain a fresh token (your token provider should refresh before expiry) and retry."),
    /** The token's nbf/iat is in the future (beyond the allowed clock skew). */
    TOKEN_NOT_YET_VALID("token.not_yet_valid", 401, 4103,
            "The access token is not valid before {notBefore}.",
            "Check the clock of the machine that issued or uses the token; clocks must agree within {skewSeconds} seconds."),
    /** The token (or its refresh-token family, or its authorization) was revoked. */
    TOKEN_REVOKED("token.revoked", 401, 4102,
            "The access token has been revoked.",
            "Obtain a new token; if it was revoked for refresh-token reuse, the agent must sign in again."),
    /** The token was issued by another region's (or another server's) issuer. */
    TOKEN_WRONG_REGION("token.wrong_region", 401, 4302,
            "The token was issued by '{tokenIssuer}', but this deployment ({region}) is '{expectedIssuer}'.",
            "Connect to the deployment that issued the token (env '{tokenIssuer}'), or obtain the token from '{expectedIssuer}'."),
    /** The token's audience is not this deployment's API. */
    TOKEN_WRONG_AUDIENCE("token.wrong_audience", 401, 4304,
            "The token's audience {audience} does not include '{expectedAudience}'.",
            "Request the token from this deployment's token endpoint without overriding its audience."),
    /** The token belongs to a different organisation than the one asked for. */
    TOKEN_WRONG_ORG("token.wrong_org", 403, 4303,
            "The token belongs to organisation '{tokenOrg}', not '{expectedOrg}'.",
            "Use orgId '{tokenOrg}', or obtain the token with a client of organisation '{expectedOrg}'."),
    /** The token lacks scopes the widget or API needs, and its OAuth client is not allowed some of them. */
    TOKEN_SCOPE_MISSING("token.scope_missing", 403, 4305,
            "The token lacks scope {missing} needed by {target} (granted: {granted}).",
            "Add {notAllowed} to the allowed scopes of OAuth client {client} (admin API), then request {missing} when obtaining the token (your backend asked for: {granted})."),
    /** The token lacks scopes the widget or API needs that its OAuth client already allows: they were not requested. */
    TOKEN_SCOPE_NOT_REQUESTED("token.scope_missing", 403, 4305,
            "The token lacks scope {missing} needed by {target} (granted: {granted}).",
            "Request {missing} when obtaining the token (your backend asked for: {granted}); OAuth client {client} already allows it."),
    /** The OAuth client that obtained the token may not embed widgets. */
    CLIENT_EMBED_NOT_ALLOWED("client.embed_not_allowed", 403, 4306,
            "OAuth client {client} does not have the 'embed' capability, so its tokens cannot open widgets.",
            "Give OAuth client {client} the 'embed' capability in the admin API, or obtain tokens with a client that has it."),
    /** The token's client is unknown or disabled. */
    CLIENT_UNKNOWN("client.unknown", 401, 4307,
            "OAuth client {client} is unknown or disabled.",
            "Check the client id, or ask an admin to enable the client."),
    /** The embedding page's origin is not on the client's allowlist. */
    ORIGIN_NOT_ALLOWED("origin.not_allowed", 403, 4308,
            "The page origin '{origin}' is not allowed to embed widgets for OAuth client {client} (allowed: {allowed}).",
            "Add '{origin}' (scheme, host and port exactly) to the allowed embedding origins of OAuth client {client}."),
    /** The TURN server refused the credentials the platform issued for it (doctor's allocation). */
    CALL_TURN_AUTH_FAILED("call.turn_auth_failed", 503, 4370,
            "The TURN server {turn} refused the credentials the platform issued (TURN error {turnError}: {reason}).",
            "Make deskframe.calls.turn-secret on every node equal to the TURN server's static-auth-secret (coturn: use-auth-secret), and keep the clocks of the TURN server and the nodes in step (each credential carries its expiry)."),
    /** The TURN server named in deskframe.calls.turn-urls did not answer an allocation. */
    CALL_TURN_UNREACHABLE("call.turn_unreachable", 503, 4371,
            "The TURN server {turn} did not answer an allocation ({reason}).",
            "Check that deskframe.calls.turn-urls names the TURN server's public address and port, and that UDP to it is open from where the browsers are; list a turns: URL on 443/tcp too for networks that block UDP."),
    /** A page opened the gateway's WebSocket itself, from an origin that is neither the platform's nor a configured extra one. */
    GATEWAY_ORIGIN_NOT_ALLOWED("origin.not_allowed", 403, 4308,
            "The page origin '{origin}' may not open the gateway's WebSocket directly (allowed: {allowed}).",
            "Open the stream through a Deskframe widget (its iframe runs on the platform's origin), or add '{origin}' (scheme, host and port exactly) to deskframe.gateway.extra-origins on every node."),
    /** The agent the token is for has been disabled. */
    AGENT_DISABLED("agent.disabled", 403, 4309,
            "Agent {agent} is disabled.",
            "Ask an admin of organisation {org} to enable the agent."),
    /** The token's subject is no agent or client that exists. */
    AGENT_UNKNOWN("agent.unknown", 401, 4310,
            "The token's subject '{subject}' is not an agent or client of this deployment.",
            "Obtain the token for an existing agent of the organisation."),
    /** A widget was opened with a token issued to a client itself (client_credentials), not to an agent. */
    TOKEN_NOT_AGENT("token.not_agent", 403, 4317,
            "The token was issued to OAuth client {client} itself, not to an agent.",
            "Widgets need an agent's token: obtain it with the jwt-bearer grant (sub = the agent's username) or the code flow."),
    /** A jwt-bearer assertion is not a well-formed JWT, or one of its claims is missing, wrong or out of its time window. */
    ASSERTION_INVALID("assertion.invalid", 400, 4332,
            "The jwt-bearer assertion is refused: {reason}.",
            "Build each assertion as docs/oauth.md describes: iss = the client id '{client}', aud = '{tokenEndpoint}', sub = the agent's username, a new jti, iat = now and exp at most {maxLifetimeSeconds} seconds later (the backend's clock must be within {skewSeconds} seconds of the server's)."),
    /**
     * A jwt-bearer assertion whose audience is not this deployment's token endpoint: the backend was given another URL
     * for the platform (another host name, port or deployment), so the hint names the right one, the issuer.
     */
    ASSERTION_WRONG_AUDIENCE("assertion.invalid", 400, 4332,
            "The jwt-bearer assertion is refused: {reason}.",
            "Give your backend (the token broker, the example desktop's DESKFRAME_ENV) this deployment's issuer '{expectedIssuer}' as the platform URL: assertions are addressed to its token endpoint '{tokenEndpoint}'."),
    /** A jwt-bearer assertion's signature does not verify with the client's secret or registered keys. */
    ASSERTION_BAD_SIGNATURE("assertion.bad_signature", 400, 4333,
            "The jwt-bearer assertion's signature does not verify ({reason}).",
            "Sign the assertion with OAuth client {client}'s secret (HS256) or with a private key whose public key is in the client's registered JWKS (RS256 or ES256, with 'kid' set when the JWKS has several keys)."),
    /** A jwt-bearer assertion's jti was already used: assertions are single use. */
    ASSERTION_REPLAYED("assertion.replayed", 400, 4334,
            "The jwt-bearer assertion with jti '{jti}' was already used.",
            "Sign a new assertion, with a new jti, for every token request, retries included."),
    /** A grant (jwt-bearer, authorization code, refresh) named an agent outside the OAuth client's organisation. */
    GRANT_AGENT_NOT_IN_ORG("grant.agent_not_in_org", 400, 4335,
            "'{subject}' is not an agent of organisation {org}, the organisation of OAuth client {client}.",
            "Obtain tokens only for agents of organisation {org} (the assertion's sub or the signed-in username), or use an OAuth client of the agent's organisation."),
    /** A PKCE code_challenge (authorization request) or code_verifier (token request) is not of the form RFC 7636 requires. */
    PKCE_INVALID("pkce.invalid", 400, 4336,
            "The PKCE {parameter} is refused: {reason}.",
            "Create a new code_verifier of 43-128 characters from A-Z a-z 0-9 - . _ ~ (e.g. 32 random bytes, base64url without padding), send code_challenge = BASE64URL(SHA-256(code_verifier)) (43 characters) with code_challenge_method=S256, and that same code_verifier with the code at the token endpoint (RFC 7636)."),
    /** A refresh token that was rotated moments ago came back: a concurrent refresh; nothing is revoked. */
    REFRESH_ROTATED("refresh.rotated", 400, 4104,
            "This refresh token was rotated {rotatedSecondsAgo} seconds ago, by a concurrent refresh; nothing was revoked.",
            "Use the refresh token from the latest token response, and refresh each agent's tokens one request at a time."),
    /** A refresh token that was rotated earlier came back: a stolen copy is assumed and its whole family is revoked. */
    REFRESH_REUSED("refresh.reused", 400, 4105,
            "Refresh token reuse detected: this token was rotated {rotatedSecondsAgo} seconds ago, so its whole family (its refresh and access tokens) has been revoked.",
            "The agent must sign in again; keep only the latest refresh token and never present one twice (a reused copy means it leaked)."),
    /** An agent's sign-in with a wrong username or password (which of the two is not said). */
    SIGNIN_FAILED("signin.failed", 401, 4337,
            "The username or password is wrong.",
            "Check both (they are case-sensitive) and sign in again; these are the agent's Deskframe credentials, not those of your own application's sign-in. After repeated failures sign-in pauses for a while (auth.throttled)."),
    /** Too many failed logins or client authentications. */
    AUTH_THROTTLED("auth.throttled", 429, 4030,
            "Too many failed sign-in attempts for {identity}; try again in {retryAfterSeconds} seconds.",
            "Wait and retry with the right credentials; repeated failures lengthen the wait (at most 100 failures per hour are accepted)."),
    /** The server failed while handling a request: a bug or an outage behind it, never the caller's fault. */
    SERVER_INTERNAL("server.internal", 500, 4011,
            "The server failed while handling {path}.",
            "Retry; if it fails again, find this time in the server log (it has the cause) and report it."),
    /** The client sent more than its allowance. */
    RATE_LIMITED("rate.limited", 429, 4029,
            "Rate limit exceeded: {limit}.",
            "Slow down and retry after {retryAfterSeconds} seconds."),
    /** The database did not answer (down, restarting, failing over, out of connections): an outage, not a bug. */
    STORAGE_UNAVAILABLE("storage.unavailable", 503, 4013,
            "The platform's database did not answer while handling {path}; nothing of it was stored.",
            "Retry with backoff: it passes once the database answers again (a send repeated with the same client message id is stored once). If it persists, the operator should check the database the server log names (reachable, accepting connections, not failing over) and the connection pool's size."),
    /** The server is restarting or shutting down; another node (or this one, soon) takes the session. */
    SERVER_RESTARTING("server.restarting", 503, 4001,
            "The server is restarting.",
            "Reconnect (with backoff) and resume from the last sequence you received; nothing acknowledged is lost."),
    /** The peer stopped answering heartbeats. */
    HEARTBEAT_TIMEOUT("heartbeat.timeout", 408, 4002,
            "No frame or pong arrived for {seconds} seconds.",
            "Answer every {\"op\":\"ping\"} with {\"op\":\"pong\"}; the client reconnects and resumes."),
    /** The client reads too slowly and its outbound buffer overflowed. */
    SLOW_CONSUMER("session.slow_consumer", 503, 4003,
            "The client did not read fast enough; its send buffer is full.",
            "Reconnect and resume; if it repeats, the client's network or event loop is too slow."),
    /** A refresh token belongs to another agent, org or client than the session's. */
    REFRESH_MISMATCH("token.refresh_mismatch", 403, 4318,
            "The refreshed token is for {got}, but this session belongs to {expected}.",
            "Refresh with a token for the same agent, organisation and OAuth client; open a new connection for another identity."),
    /** No authenticate frame arrived in time. */
    HANDSHAKE_TIMEOUT("handshake.timeout", 408, 4008,
            "No authenticate frame arrived within {seconds} seconds of connecting.",
            "Send {\"op\":\"authenticate\",...} as the first frame right after the socket opens."),
    /** The WebSocket upgrade request did not arrive complete within the deadline after connecting. */
    UPGRADE_TIMEOUT("upgrade.timeout", 408, 4009,
            "The WebSocket upgrade request was not complete within {seconds} seconds of connecting.",
            "Send the whole upgrade request as soon as the connection opens (WebSocket clients do); a proxy in front of the gateway must forward it without holding it back."),
    /** The gateway refused a new connection: too many not yet authenticated (in all, or from one address), or it is full. */
    GATEWAY_BUSY("gateway.busy", 503, 4006,
            "The gateway refused this connection: {reason}.",
            "Reconnect with backoff and jitter (the platform's clients do). If it persists, the deployment needs more gateway capacity (docs/scaling.md); if every connection comes through one proxy or load balancer, set deskframe.gateway.max-unauthenticated-per-address to 0 (docs/protocol.md)."),
    /** A frame could not be understood. */
    PROTOCOL_BAD_FRAME("protocol.bad_frame", 400, 4311,
            "Bad frame: {reason}.",
            "Send frames as documented in docs/protocol.md."),
    /** A frame exceeded the size limit. */
    FRAME_TOO_LARGE("frame.too_large", 413, 4312,
            "The frame is {size} bytes; the limit is {limit} bytes.",
            "Split the content or send large files by upload, not in a frame."),
    /** The request is invalid (a field is missing or wrong). */
    REQUEST_INVALID("request.invalid", 400, 4313,
            "Invalid request: {reason}.",
            "Correct the request as described in the API documentation (/swagger-ui.html)."),
    /** A request to the authorization endpoint that is not an OAuth authorization request (parameters missing or wrong). */
    AUTHORIZE_REQUEST_INVALID("request.invalid", 400, 4313,
            "Invalid authorization request: {reason}.",
            "Start the sign-in from the application that uses Deskframe: it sends client_id, response_type=code, redirect_uri, scope and a PKCE code_challenge (S256), as docs/oauth.md describes."),
    /** The request was refused by the platform's pages (a form whose security token is missing or expired, for example). */
    REQUEST_FORBIDDEN("request.forbidden", 403, 4338,
            "The request to {path} was refused ({reason}).",
            "Reload the page and try again (a form's security token expires with its session); if it keeps happening, sign in again."),
    /** The requested resource does not exist (or is not visible to the caller). */
    NOT_FOUND("resource.not_found", 404, 4314,
            "{resource} not found.",
            "Check the id; resources of other organisations are not visible."),
    /** A page of the platform that does not exist (a browser's request; the API answers the variant above). */
    PAGE_NOT_FOUND("resource.not_found", 404, 4314,
            "{resource} not found.",
            "Check the address, or start from the platform's front page ({home})."),
    /** The resource already exists. */
    CONFLICT("resource.conflict", 409, 4315,
            "{resource} already exists.",
            "Choose another id or update the existing resource."),
    /** Requested scopes are not allowed for the client, or are unknown. */
    SCOPE_NOT_ALLOWED("scope.not_allowed", 400, 4316,
            "Scope {rejected} not allowed for OAuth client {client}.",
            "{suggestion}"),
    /** The embedding page's token provider ({@code getAccessToken}) threw, or returned no token. */
    PROVIDER_FAILED("provider.failed", 424, 4321,
            "The token provider (getAccessToken) {reason}.",
            "Make getAccessToken return (a promise of) the access_token string your backend obtained; check the backend endpoint it calls and that backend's log."),
    /** The embedding client could not reach the deployment named by {@code env} (its embed discovery did not answer). */
    ENV_UNREACHABLE("env.unreachable", 503, 4004,
            "The Deskframe deployment at '{env}' did not answer ({reason}).",
            "Check env (EmbeddingClient's env option, doctor's --env: the deployment's base URL, e.g. https://deskframe.example.com) and that the deployment is running and reachable from here; EmbeddingClient retries with backoff."),
    /** The URL given as the deployment answers, but not as a Deskframe deployment (no authorization-server metadata). */
    ENV_NOT_DESKFRAME("env.not_deskframe", 404, 4322,
            "'{env}' answers, but not as a Deskframe deployment ({reason}).",
            "Set env (EmbeddingClient's env option, doctor's --env) to the Deskframe deployment's base URL: scheme, host and port, no path."),
    /** The deployment answers under another name than its issuer, the name its tokens and links carry. */
    ENV_ISSUER_MISMATCH("env.issuer_mismatch", 400, 4323,
            "The deployment at '{env}' calls itself '{expectedIssuer}' (its issuer, which its tokens carry), not '{env}'.",
            "Use '{expectedIssuer}' as env (EmbeddingClient's env option, doctor's --env), or, if '{env}' is the deployment's public URL, set its deskframe.region.public-url to '{env}'."),
    /** The gateway WebSocket could not be opened, or did not answer the authenticate frame. */
    HANDSHAKE_FAILED("handshake.failed", 503, 4005,
            "The gateway WebSocket {stream} could not be opened or did not answer ({reason}).",
            "Check that {stream} is reachable from here and that proxies and load balancers pass WebSocket upgrades (the Upgrade and Connection headers); clients retry with backoff."),
    /**
     * A request reached the wrong one of Deskframe's two ports: the gateway WebSocket on the HTTP API's port, or an HTTP
     * API path on the gateway's port (a client or reverse proxy that still routes everything to one port).
     */
    ENDPOINT_WRONG_PORT("endpoint.wrong_port", 421, 4324,
            "{requested} is not served on this port, which serves {served}.",
            "Use {right} (the gateway's URL is the 'gateway' field of /embed/v1/env). Behind a reverse proxy, route /api/v2/stream with WebSocket upgrades to the gateway's port (deskframe.gateway.port) and everything else to the HTTP port (server.port), then set deskframe.gateway.public-url to the gateway's public wss:// URL."),
    /** An organisation's admin client asked for something only the deployment administrator may do. */
    ADMIN_DEPLOYMENT_ONLY("admin.deployment_only", 403, 4330,
            "Only the deployment administrator may {operation}; OAuth client {client} administers organisation {org} only.",
            "Call this with a token of the deployment admin client (the one with no organisation, see deskframe.identity.bootstrap-admin-client-id)."),
    /** The admin API was called with an agent's token that carries scope admin. */
    ADMIN_CLIENT_TOKEN_REQUIRED("admin.client_token_required", 403, 4331,
            "The admin API takes an admin client's own token, but this token was issued to agent {agent} through OAuth client {client}.",
            "Obtain the token with grant_type=client_credentials and scope admin, authenticating as the admin client itself."),

    // guest: the customer's messenger (docs/messenger.md)
    /** A messenger names a deployment that does not exist (or was deleted). */
    GUEST_DEPLOYMENT_UNKNOWN("guest.deployment_unknown", 404, 4340,
            "Messenger deployment '{deployment}' does not exist.",
            "Check the deployment option of new Messenger({...}) (ids are case-sensitive) against the organisation's deployments: GET /api/v2/admin/orgs/<org>/messenger-deployments or 'deskframe admin messenger-deployments list'."),
    /** The customer's page is not on the deployment's allowed origins. */
    GUEST_ORIGIN_NOT_ALLOWED("guest.origin_not_allowed", 403, 4341,
            "The page origin '{origin}' may not use messenger deployment {deployment} (allowed: {allowed}).",
            "Add '{origin}' (scheme, host and port exactly) to the allowed origins of messenger deployment {deployment} (admin API), or embed the messenger on one of its allowed origins."),
    /** Too many guest sessions from one origin and client address. */
    GUEST_RATE_LIMITED("guest.rate_limited", 429, 4031,
            "Too many new guest sessions from this page's origin and address ({limit}).",
            "Retry after {retryAfterSeconds} seconds (the messenger does so by itself). Sites whose visitors share one address can raise deskframe.guest.sessions-per-minute."),
    /** A saved guest session (the messenger's resume credential) is unknown, expired or of another deployment. */
    GUEST_SESSION_EXPIRED("guest.session_expired", 401, 4140,
            "The saved messenger session cannot be resumed ({reason}).",
            "Start a new guest session without 'resume'; the messenger does so by itself and forgets the saved one."),
    /** The messenger was opened with a token that is not a guest token (an agent's or a client's). */
    GUEST_TOKEN_REQUIRED("guest.token_required", 403, 4342,
            "The messenger opens with a customer's guest token, not a token of OAuth client {client}.",
            "Obtain a guest token with POST /api/v2/guest/sessions (the messenger snippet does); agents' widgets take agents' tokens."),
    /** An integrator-signed customer token failed its checks (signature, shape, audience, claims). */
    CUSTOMER_TOKEN_INVALID("customer.token_invalid", 401, 4343,
            "The customer token for messenger deployment {deployment} was refused: {reason}.",
            "Sign the customer token on your backend with the deployment's verification key (its HS256 secret, or a key of its JWKS for RS256/ES256), with sub, iat, exp (at most 10 minutes later) and a fresh jti; see docs/messenger.md, 'Verified customers'."),
    /** An integrator-signed customer token expired. */
    CUSTOMER_TOKEN_EXPIRED("customer.token_expired", 401, 4344,
            "The customer token for messenger deployment {deployment} expired at {expiredAt}.",
            "Have your backend sign a fresh customer token for each page load and pass it as the messenger's customer.token option; check that its clock is right."),
    /** An integrator-signed customer token was presented a second time. */
    CUSTOMER_TOKEN_REPLAYED("customer.token_replayed", 401, 4345,
            "The customer token {jti} for messenger deployment {deployment} was already used.",
            "Sign a new customer token (with a new jti) for each guest session; never store one in the page or reuse it."),
    /** A customer token was sent to a deployment that does not verify customers. */
    CUSTOMER_VERIFICATION_OFF("customer.verification_not_configured", 400, 4346,
            "Messenger deployment {deployment} does not verify customers, but a customer token was sent.",
            "Configure identity verification (an HS256 secret or a JWKS URL) on deployment {deployment} in the admin API, or leave out the customer option."),
    // --- staples (issues 9 and 11): notes, canned responses, search, conversation attributes; close codes 4380-4389 ---
    /** A customer's session asked for what only agents may see or do: internal notes, canned responses. */
    AGENTS_ONLY("participant.not_agent", 403, 4380,
            "{what} are for agents only; {participant} is not an agent.",
            "Customers' sessions send and read messages only; read and write {what} with an agent's token."),
    /** A canned response with this title already exists in the organisation. */
    CANNED_RESPONSE_TITLE_TAKEN("canned.title_taken", 409, 4381,
            "Organisation {org} already has a canned response titled '{title}' ({existing}).",
            "Choose another title, or change the existing canned response with PATCH .../canned-responses/{existing}."),
    /** A conversation search named nothing to search for. */
    SEARCH_CRITERIA_MISSING("search.criteria_missing", 400, 4382,
            "A conversation search needs something to look for ({reason}).",
            "Pass q (a conversation id, words of a message, a customer's name or email, a participant) of at least 2 characters, and/or participant (an agent id or kind:id)."),
    /** Attributes attached to a conversation by another capability broke the port's rules. */
    CONVERSATION_ATTRIBUTE_INVALID("conversation.attribute_invalid", 400, 4383,
            "The conversation attributes are refused: {reason}.",
            "Name attributes with lower-case letters, digits, '.', '_' or '-' (at most 64 characters), keep each value at most 500 characters and pass at most 20 per conversation."),
    // --- end staples ---
    // attachments (docs/messenger.md, "Attachments")
    /** An uploaded file is larger than the limit that applies to its sender. */
    ATTACHMENT_TOO_LARGE("attachment.too_large", 413, 4390,
            "The file '{file}' is larger than {limit} bytes, the limit for {who}; nothing was stored.",
            "Send a file of at most {limit} bytes (compress or split it); the limit is set by {setting}."),
    /** An uploaded file's content (sniffed from its bytes, never the declared type) is not allowed. */
    ATTACHMENT_TYPE_NOT_ALLOWED("attachment.type_not_allowed", 415, 4391,
            "The file '{file}' is refused: {reason}; nothing was stored.",
            "Send one of the allowed types ({allowed}); the type is read from the file's bytes, so renaming a file does not change it. The list is set by {setting}."),
    /** The attachment store cannot take or give files (not configured, not writable, or failing). */
    ATTACHMENT_UNAVAILABLE("attachment.unavailable", 503, 4012,
            "Attachments cannot be stored or read right now ({reason}).",
            "Retry later; if it persists, the operator should check deskframe.messaging.attachments.directory (it must be a writable directory) and the server log."),
    /** The attachment store's disk has no room for the file (ENOSPC, or a quota's EDQUOT): the variant of the code above that says so. */
    ATTACHMENT_STORE_FULL("attachment.unavailable", 503, 4012,
            "The file '{file}' cannot be stored: the attachment store's disk is full; nothing was stored.",
            "Send the message without the file, or retry later; messages and earlier files keep working. The operator must free space on (or grow) the disk that holds deskframe.messaging.attachments.directory (the server log names it)."),
    // routing (docs/routing.md)
    /** set_presence named a status an agent cannot set. */
    PRESENCE_INVALID("presence.invalid", 400, 4360,
            "'{status}' is not a presence an agent can set.",
            "Send one of {allowed}; after_contact_work is set by the system after a close, and offline also after the last session drops."),
    /** An agent acted on a routed conversation that is not (or no longer) assigned to it. */
    CONVERSATION_NOT_ASSIGNED("conversation.not_assigned", 403, 4361,
            "Conversation {conversation} is not assigned to agent {agent}.",
            "Act only on conversations assigned to you (after conversation_assigned); one that was transferred, requeued or closed is no longer yours."),
    /** accept (or decline) of an offer that expired, was withdrawn, or was never made to this agent. */
    OFFER_EXPIRED("offer.expired", 409, 4362,
            "There is no open offer of conversation {conversation} to agent {agent} ({reason}).",
            "Offers last the queue's offer timeout and end when declined, withdrawn or taken; wait for the next conversation_offered."),
    /** close without a wrap-up code, in a queue that requires one. */
    WRAPUP_REQUIRED("wrapup.required", 400, 4363,
            "Queue {queue} requires a wrap-up code to close conversation {conversation}.",
            "Send close with wrapUp set to one of the queue's codes: {allowed}."),
    /** close with a wrap-up code the queue does not have. */
    WRAPUP_UNKNOWN("wrapup.unknown", 400, 4364,
            "Wrap-up code '{wrapUp}' is not one of queue {queue}'s codes.",
            "Use one of {allowed}; an admin sets a queue's codes with PUT /api/v2/admin/orgs/{org}/queues/{queue}/routing."),
    /** A transfer to an agent who cannot take the conversation now. */
    TRANSFER_TARGET_UNAVAILABLE("transfer.target_unavailable", 409, 4365,
            "Agent {agent} cannot take conversation {conversation} now ({reason}).",
            "Transfer to an agent who is online with free capacity, or to a queue, where the conversation waits for the next free agent."),
    // calls (docs/calls.md): refusals of call ops, and the causes an ended call names in endCode
    CALL_NOT_FOUND("call.not_found", 404, 4372,
            "Call {call} does not exist in this organisation.",
            "Use the id from the call_invite reply or a call push; GET /api/v2/calls/{call} reads a call's record, ended ones too."),
    CALL_NOT_PARTICIPANT("call.not_participant", 403, 4373,
            "{participant} is not a participant of call {call}.",
            "Only the call's caller and callee act on it or read its record; an admin reads every call of the organisation through the admin API."),
    CALL_CALLEE_OFFLINE("call.callee_offline", 409, 4374,
            "{callee} cannot take calls now: no {widget} widget of theirs is connected.",
            "Call an agent who is online with the voice or video widget open (find_agents shows who), or try again when they are back."),
    CALL_CALLEE_BUSY("call.callee_busy", 409, 4375,
            "{callee} is on another call ({other}).",
            "Wait until that call ends, or call another agent."),
    CALL_DECLINED("call.declined", 409, 4376,
            "{callee} declined call {call}.",
            "Nothing is wrong: the callee chose not to answer. Leave a message, or call again later."),
    CALL_NO_ANSWER("call.no_answer", 408, 4377,
            "{callee} did not answer call {call} within {seconds} s.",
            "Nothing is wrong with the call: try again later or reach them another way; deskframe.calls.ring-timeout sets how long a call rings."),
    CALL_STATE_INVALID("call.state_invalid", 409, 4378,
            "Call {call} is {state}: it cannot be {action} now.",
            "Follow the call's state from the call pushes: answer or decline a ringing call, hold, mute or hang up a connected one; an ended call takes no more commands."),
    CALL_PEER_GONE("call.peer_gone", 410, 4379,
            "{participant}'s side of call {call} was gone for {seconds} s: no session of theirs re-attached to it.",
            "Their browser or network dropped for longer than deskframe.calls.reattach-timeout; call them again."),
    CALL_ICE_FAILED("call.ice_failed", 409, 4384,
            "No network path was found between the two sides of call {call} (ICE failed, also after an ICE restart).",
            "The TURN servers this deployment hands out (GET /api/v2/calls/ice-servers) did not relay: check that UDP (or the turns: URL's TCP port) to them is open from both sides' networks; deskframe doctor --widgets voice makes a real allocation."),
    CALL_ICE_FAILED_NO_TURN("call.ice_failed", 409, 4384,
            "No network path was found between the two sides of call {call} (ICE failed, also after an ICE restart), and this deployment hands out no TURN server.",
            "Most networks with NAT or a firewall need a relay: run a TURN server (coturn) and set deskframe.calls.turn-urls and deskframe.calls.turn-secret (docs/calls.md)."),
    MEDIA_PERMISSION_DENIED("media.permission_denied", 403, 4385,
            "The browser did not allow the {device} ({reason}).",
            "Allow the microphone (and camera for video) for this site in the browser's address bar; the page must be https (or localhost), and an embedding page's iframe needs allow=\"microphone; camera\" (EmbeddingClient sets it)."),
    MEDIA_DEVICE_NOT_FOUND("media.device_not_found", 404, 4386,
            "No {device} was found or it could not be opened ({reason}).",
            "Connect a microphone (and camera for video), or pick another one in the widget's device selection; close other applications that hold it."),
    // calls end
    /** A new message for a conversation that has ended (closed by its agent, its customer or the system). */
    CONVERSATION_CLOSED("conversation.closed", 409, 4366,
            "Conversation {conversation} has ended; it takes no new messages (this one was not stored).",
            "Its transcript stays readable. A customer starts a new conversation (the messenger's 'Start a new conversation', "
                    + "or POST /api/v2/guest/sessions with restart: true); agents start or are assigned another one.");
    // routing end

    private final String code;
    private final int httpStatus;
    private final int closeCode;
    private final String message;
    private final String hint;

    ErrorCode(String code, int httpStatus, int closeCode, String message, String hint) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.closeCode = closeCode;
        this.message = message;
        this.hint = hint;
    }

    public String code() { return code; }
    public int httpStatus() { return httpStatus; }
    public int closeCode() { return closeCode; }
    public String messageTemplate() { return message; }
    public String hintTemplate() { return hint; }

    /** What a client should do after this code closed its connection. */
    public CloseRange clientAction() {
        return CloseRange.of(closeCode);
    }

}
