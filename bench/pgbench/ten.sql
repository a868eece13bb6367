BEGIN;
\set c0 0 * 100 + random(1, 100)
UPDATE pgbench_limit.conversations SET last_seq = last_seq + 1 WHERE id = :c0 RETURNING last_seq \gset s0_
INSERT INTO pgbench_limit.messages VALUES (:c0, :s0_last_seq, md5(random()::text), repeat('x', 100));
\set c1 1 * 100 + random(1, 100)
UPDATE pgbench_limit.conversations SET last_seq = last_seq + 1 WHERE id = :c1 RETURNING last_seq \gset s1_
INSERT INTO pgbench_limit.messages VALUES (:c1, :s1_last_seq, md5(random()::text), repeat('x', 100));
\set c2 2 * 100 + random(1, 100)
UPDATE pgbench_limit.conversations SET last_seq = last_seq + 1 WHERE id = :c2 RETURNING last_seq \gset s2_
INSERT INTO pgbench_limit.messages VALUES (:c2, :s2_last_seq, md5(random()::text), repeat('x', 100));
\set c3 3 * 100 + random(1, 100)
UPDATE pgbench_limit.conversations SET last_seq = last_seq + 1 WHERE id = :c3 RETURNING last_seq \gset s3_
INSERT INTO pgbench_limit.messages VALUES (:c3, :s3_last_seq, md5(random()::text), repeat('x', 100));
\set c4 4 * 100 + random(1, 100)
UPDATE pgbench_limit.conversations SET last_seq = last_seq + 1 WHERE id = :c4 RETURNING last_seq \gset s4_
INSERT INTO pgbench_limit.messages VALUES (:c4, :s4_last_seq, md5(random()::text), repeat('x', 100));
\set c5 5 * 100 + random(1, 100)
UPDATE pgbench_limit.conversations SET last_seq = last_seq + 1 WHERE id = :c5 RETURNING last_seq \gset s5_
INSERT INTO pgbench_limit.messages VALUES (:c5, :s5_last_seq, md5(random()::text), repeat('x', 100));
\set c6 6 * 100 + random(1, 100)
UPDATE pgbench_limit.conversations SET last_seq = last_seq + 1 WHERE id = :c6 RETURNING last_seq \gset s6_
INSERT INTO pgbench_limit.messages VALUES (:c6, :s6_last_seq, md5(random()::text), repeat('x', 100));
\set c7 7 * 100 + random(1, 100)
UPDATE pgbench_limit.conversations SET last_seq = last_seq + 1 WHERE id = :c7 RETURNING last_seq \gset s7_
INSERT INTO pgbench_limit.messages VALUES (:c7, :s7_last_seq, md5(random()::text), repeat('x', 100));
\set c8 8 * 100 + random(1, 100)
UPDATE pgbench_limit.conversations SET last_seq = last_seq + 1 WHERE id = :c8 RETURNING last_seq \gset s8_
INSERT INTO pgbench_limit.messages VALUES (:c8, :s8_last_seq, md5(random()::text), repeat('x', 100));
\set c9 9 * 100 + random(1, 100)
UPDATE pgbench_limit.conversations SET last_seq = last_seq + 1 WHERE id = :c9 RETURNING last_seq \gset s9_
INSERT INTO pgbench_limit.messages VALUES (:c9, :s9_last_seq, md5(random()::text), repeat('x', 100));
END;
