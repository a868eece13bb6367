-- Identity: organisations, agents, queues, OAuth clients, signing keys. One schema for H2 and PostgreSQL.
create table orgs (
    id          varchar(64)  primary key,
    name        varchar(200) not null,
    region      varchar(64)  not null,
    created_at  timestamp    not null
);

create table agents (
    id            varchar(64)  primary key,
    org_id        varchar(64)  not null references orgs(id),
    username      varchar(200) not null unique,
    email         varchar(320),
    display_name  varchar(200) not null,
    password_hash varchar(200),
    roles         varchar(500) not null,
    enabled       boolean      not null,
    created_at    timestamp    not null
);
create index agents_org on agents(org_id);

create table queues (
    id          varchar(64)  primary key,
    org_id      varchar(64)  not null references orgs(id),
    name        varchar(200) not null,
    created_at  timestamp    not null
);
create index queues_org on queues(org_id);

create table oauth_clients (
    client_id                  varchar(100)  primary key,
    org_id                     varchar(64)   references orgs(id),
    name                       varchar(200)  not null,
    secret_hash                varchar(200),
    secret_encrypted           varchar(1000),
    auth_methods               varchar(200)  not null,
    grant_types                varchar(500)  not null,
    redirect_uris              varchar(4000) not null,
    scopes                     varchar(1000) not null,
    embed_origins              varchar(4000) not null,
    capabilities               varchar(200)  not null,
    jwks                       varchar(20000),
    access_token_ttl_seconds   integer       not null,
    refresh_token_ttl_seconds  integer       not null,
    enabled                    boolean       not null,
    created_at                 timestamp     not null
);
create index oauth_clients_org on oauth_clients(org_id);

create table signing_keys (
    kid            varchar(64)   primary key,
    generation     bigint        not null unique,
    encrypted_jwk  varchar(20000) not null,
    created_at     timestamp     not null,
    retired_at     timestamp
);

-- Spring Security's authorization store (its standard columns; long values as varchar so both engines compare them).
create table oauth2_authorization (
    id                            varchar(100) primary key,
    registered_client_id          varchar(100) not null,
    principal_name                varchar(200) not null,
    authorization_grant_type      varchar(100) not null,
    authorized_scopes             varchar(1000),
    attributes                    varchar(65535),
    state                         varchar(500),
    authorization_code_value      varchar(65535),
    authorization_code_issued_at  timestamp,
    authorization_code_expires_at timestamp,
    authorization_code_metadata   varchar(65535),
    access_token_value            varchar(65535),
    access_token_issued_at        timestamp,
    access_token_expires_at       timestamp,
    access_token_metadata         varchar(65535),
    access_token_type             varchar(100),
    access_token_scopes           varchar(1000),
    oidc_id_token_value           varchar(65535),
    oidc_id_token_issued_at       timestamp,
    oidc_id_token_expires_at      timestamp,
    oidc_id_token_metadata        varchar(65535),
    refresh_token_value           varchar(65535),
    refresh_token_issued_at       timestamp,
    refresh_token_expires_at      timestamp,
    refresh_token_metadata        varchar(65535),
    user_code_value               varchar(65535),
    user_code_issued_at           timestamp,
    user_code_expires_at          timestamp,
    user_code_metadata            varchar(65535),
    device_code_value             varchar(65535),
    device_code_issued_at         timestamp,
    device_code_expires_at        timestamp,
    device_code_metadata          varchar(65535)
);

-- Every access token issued, by jti: the revocation check for self-contained JWTs.
create table access_token_ledger (
    jti               varchar(64)  primary key,
    authorization_id  varchar(100) not null,
    client_id         varchar(100) not null,
    subject           varchar(200) not null,
    expires_at        timestamp    not null,
    revoked_at        timestamp
);
create index access_token_ledger_authorization on access_token_ledger(authorization_id);
create index access_token_ledger_subject on access_token_ledger(subject);

-- Refresh tokens that were rotated away, by SHA-256: presenting one again is reuse.
create table refresh_token_history (
    token_hash        varchar(64)  primary key,
    authorization_id  varchar(100) not null,
    rotated_at        timestamp    not null
);

-- JWT bearer assertions already used (RFC 7523 replay protection), until they expire.
create table used_assertions (
    issuer      varchar(100) not null,
    jti         varchar(200) not null,
    expires_at  timestamp    not null,
    primary key (issuer, jti)
);
