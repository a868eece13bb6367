-- A party's line (issue 12): one row per agent or customer with a call not ended, so "one call at a time" holds when
-- two invites for the same callee race on two nodes: the second insert of the callee's line fails and that invite is
-- refused call.callee_busy. The row goes with the call's end, in the same transaction.
create table call_lines (
    party    varchar(220) primary key,
    call_id  varchar(64)  not null references calls(id)
);
insert into call_lines (party, call_id)
    select caller_kind || ':' || caller_id, id from calls where state <> 'ended';
insert into call_lines (party, call_id)
    select callee_kind || ':' || callee_id, id from calls where state <> 'ended' and callee_id is not null
    and not exists (select 1 from call_lines l where l.party = callee_kind || ':' || callee_id);
