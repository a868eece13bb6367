-- A sequence number whose message the storage lost (found when a client reports having seen it): the row keeps the
-- number taken, so it is never given to another message, and tells every reader that a message stood there.
alter table messages add column lost boolean default false not null;
