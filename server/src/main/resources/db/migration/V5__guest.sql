-- Guest: messenger deployments, the browsers that hold a resume credential, and the customer tokens already used.
-- Portable SQL only (H2 and PostgreSQL); lists and settings are JSON text read by the guest capability alone.
create table messenger_deployments (
    id                   varchar(64)   primary key,
    org_id               varchar(64)   not null,
    name                 varchar(200)  not null,
    allowed_origins      varchar(4000) not null,
    queue_id             varchar(64)   not null,
    greeting             varchar(2000),
    business_hours       varchar(4000),
    offline_message      varchar(2000),
    prechat_fields       varchar(200)  not null,
    verification_secret  varchar(1000),
    verification_jwks    varchar(1000),
    created_at           timestamp     not null,
    updated_at           timestamp     not null
);
create index messenger_deployments_org on messenger_deployments(org_id);

-- One row per browser (or verified customer session) that may resume: only the SHA-256 of its credential is kept.
create table guest_visitors (
    credential_hash  varchar(64)   primary key,
    deployment_id    varchar(64)   not null,
    org_id           varchar(64)   not null,
    customer_id      varchar(200)  not null,
    conversation_id  varchar(64)   not null,
    verified         boolean       not null,
    profile          varchar(4000) not null,
    created_at       timestamp     not null,
    last_seen_at     timestamp     not null
);
create index guest_visitors_customer on guest_visitors(customer_id);

-- A customer token's jti is taken once per deployment; rows go once the token could no longer be valid.
create table customer_token_uses (
    deployment_id  varchar(64)   not null,
    jti            varchar(200)  not null,
    expires_at     timestamp     not null,
    primary key (deployment_id, jti)
);
