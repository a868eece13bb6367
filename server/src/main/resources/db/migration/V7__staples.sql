-- Contact-center staples (issue 11) and the last of trustworthy lists (issue 9).

-- Internal notes: agents' remarks on a conversation, never part of its message log (so a customer's sequence stays
-- gapless and no replay, history or resume can ever carry a note). note_seq is per conversation; after_seq is the
-- conversation's last message when the note was written, where the note stands in the transcript.
create table conversation_notes (
    conversation_id  varchar(64)   not null references conversations(id),
    note_seq         bigint        not null,
    client_note_id   varchar(100)  not null,
    author_id        varchar(200)  not null,
    body             varchar(16000) not null,
    after_seq        bigint        not null,
    created_at       timestamp     not null,
    primary key (conversation_id, note_seq),
    constraint conversation_notes_idempotency unique (conversation_id, author_id, client_note_id)
);

-- Canned responses: an organisation's ready-made texts that agents insert into the composer.
create table canned_responses (
    id          varchar(64)   primary key,
    org_id      varchar(64)   not null,
    title       varchar(200)  not null,
    body        varchar(16000) not null,
    created_at  timestamp     not null,
    updated_at  timestamp     not null,
    constraint canned_responses_title unique (org_id, title)
);

-- Searchable attributes another capability attached to a conversation (the guest capability: the customer's name
-- and email). value_folded is the lower-cased value the search compares with.
create table conversation_attributes (
    conversation_id  varchar(64)   not null references conversations(id),
    name             varchar(64)   not null,
    attribute_value  varchar(500)  not null,
    value_folded     varchar(500)  not null,
    primary key (conversation_id, name)
);
create index conversation_attributes_value on conversation_attributes(value_folded);
