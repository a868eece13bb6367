-- Messaging: conversations, their participants and their gapless, ordered message log.
create table conversations (
    id          varchar(64)  primary key,
    org_id      varchar(64)  not null,
    subject     varchar(300),
    state       varchar(20)  not null,
    last_seq    bigint       not null,
    created_at  timestamp    not null
);
create index conversations_org on conversations(org_id);

-- kind: agent | customer | queue. delivered/read: the highest sequence the participant has acknowledged.
create table conversation_participants (
    conversation_id  varchar(64)  not null references conversations(id),
    kind             varchar(20)  not null,
    participant_id   varchar(200) not null,
    joined_at        timestamp    not null,
    delivered_seq    bigint       not null,
    read_seq         bigint       not null,
    primary key (conversation_id, kind, participant_id)
);
create index conversation_participants_member on conversation_participants(kind, participant_id);

create table messages (
    conversation_id    varchar(64)   not null references conversations(id),
    seq                bigint        not null,
    client_message_id  varchar(100)  not null,
    sender_kind        varchar(20)   not null,
    sender_id          varchar(200)  not null,
    body               varchar(16000) not null,
    created_at         timestamp     not null,
    primary key (conversation_id, seq),
    constraint messages_idempotency unique (conversation_id, sender_kind, sender_id, client_message_id)
);
