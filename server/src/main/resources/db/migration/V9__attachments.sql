-- Attachments (issue 11): files sent in a conversation. The bytes live behind messaging's AttachmentStore (the local
-- file system by default); this row is what was stored, under which sniffed type, by whom. A message that carries an
-- attachment repeats its id, name, type and size (they never change), so the log is read without a join.
create table attachments (
    id               varchar(64)   primary key,
    org_id           varchar(64)   not null,
    conversation_id  varchar(64)   not null references conversations(id),
    uploaded_by      varchar(220)  not null,
    file_name        varchar(255)  not null,
    content_type     varchar(200)  not null,
    size_bytes       bigint        not null,
    sha256           varchar(64)   not null,
    created_at       timestamp     not null
);
create index attachments_conversation on attachments(conversation_id);

alter table messages add column attachment_id varchar(64);
alter table messages add column attachment_name varchar(255);
alter table messages add column attachment_type varchar(200);
alter table messages add column attachment_size bigint;

-- A messenger deployment's limits for its customers' uploads; null: the platform's (deskframe.messaging.attachments.*).
alter table messenger_deployments add column attachment_max_bytes bigint;
alter table messenger_deployments add column attachment_types varchar(2000);
