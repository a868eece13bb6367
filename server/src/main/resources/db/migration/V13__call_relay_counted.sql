-- Whether a call has been counted as relayed (deskframe_calls_relayed_total). It was derived from the sides' latest
-- quality reports, which each report replaces: after an ICE restart to a direct path and back to the relay, the call
-- was counted again. The flag is set once, under the call's row lock, and never cleared.
alter table calls add column relay_counted boolean default false not null;
update calls set relay_counted = true where id in (select call_id from call_quality where relayed = true);
