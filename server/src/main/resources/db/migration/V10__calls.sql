-- Calls (issue 12): one row per voice or video call, with its state as the calls capability's ledger keeps it
-- (ringing -> connected <-> held -> ended). Each side is the caller or the callee: who (kind, id), the session that
-- carries it now (null while it reconnects, detached_at says since when), its mute. A transition is one conditional
-- update of the call's row (on its state) plus one call_events row, in one transaction: of two nodes, one wins.
create table calls (
    id                  varchar(64)   primary key,
    org_id              varchar(64)   not null,
    media               varchar(16)   not null,
    state               varchar(16)   not null,
    caller_kind         varchar(16)   not null,
    caller_id           varchar(200)  not null,
    callee_kind         varchar(16),
    callee_id           varchar(200),
    conversation_id     varchar(64),
    queue_id            varchar(64),
    caller_session      varchar(64),
    callee_session      varchar(64),
    caller_detached_at  timestamp,
    callee_detached_at  timestamp,
    caller_muted        boolean       default false not null,
    callee_muted        boolean       default false not null,
    ring_expires_at     timestamp,
    created_at          timestamp     not null,
    answered_at         timestamp,
    ended_at            timestamp,
    ended_by_kind       varchar(16),
    ended_by_id         varchar(200),
    end_reason          varchar(32),
    end_code            varchar(64),
    events              integer       default 0 not null,
    caller_signals      bigint        default 0 not null,
    callee_signals      bigint        default 0 not null
);
create index calls_org_created on calls(org_id, created_at);
create index calls_live on calls(state);
create index calls_caller on calls(caller_id, state);
create index calls_callee on calls(callee_id, state);

-- Every transition of a call, in order (seq from 1 per call): the state it went to, when, by whom, why.
create table call_events (
    call_id     varchar(64)   not null references calls(id),
    seq         integer       not null,
    state       varchar(16)   not null,
    at          timestamp     not null,
    by_kind     varchar(16),
    by_id       varchar(200),
    reason      varchar(64),
    primary key (call_id, seq)
);

-- The signals relayed to each side (recipient caller or callee), numbered from 1 per call and recipient without gaps,
-- so that a side that re-attaches gets those after the last one it processed again.
create table call_signals (
    call_id     varchar(64)   not null references calls(id),
    recipient   varchar(8)    not null,
    seq         bigint        not null,
    payload     varchar(100000) not null,
    at          timestamp     not null,
    primary key (call_id, recipient, seq)
);

-- Each side's last media-quality report.
create table call_quality (
    call_id          varchar(64)   not null references calls(id),
    side             varchar(8)    not null,
    bytes_received   bigint        not null,
    packets_received bigint        not null,
    packets_lost     bigint        not null,
    jitter           double precision,
    round_trip_time  double precision,
    frames_decoded   bigint,
    candidate_type   varchar(16),
    relayed          boolean       not null,
    reported_at      timestamp     not null,
    primary key (call_id, side)
);
