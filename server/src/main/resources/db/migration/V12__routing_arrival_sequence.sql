-- A conversation's place in its queue (routing_work.arrival) comes from one sequence instead of its queue row's counter
-- (routing_queues.next_arrival, no longer advanced): taking a place then locks nothing, so new customers' sessions commit
-- side by side instead of one at a time behind the queue row, which every dispatch of the queue also holds. Places are
-- compared only within a queue, so one sequence serves every queue; a rolled-back arrival leaves a gap.
create sequence routing_arrivals start with 1;

-- What is routed already keeps its order within its queue and comes before every new arrival (all of it becomes <= 0).
update routing_work set arrival = arrival - (select coalesce(max(next_arrival), 0) from routing_queues);
