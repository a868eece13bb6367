\set c random(1, 1000)
BEGIN;
UPDATE pgbench_limit.conversations SET last_seq = last_seq + 1 WHERE id = :c RETURNING last_seq \gset s_
INSERT INTO pgbench_limit.messages VALUES (:c, :s_last_seq, md5(random()::text), repeat('x', 100));
END;
