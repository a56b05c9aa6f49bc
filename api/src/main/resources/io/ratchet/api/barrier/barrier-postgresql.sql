-- The branch barrier table (PROTOCOL.md §8) for PostgreSQL 10+. "insert ... on conflict do nothing" relies on the
-- unique constraint: a concurrent duplicate waits for the first transaction, then inserts nothing.
create table if not exists barrier (
  id bigserial primary key,
  trans_type varchar(45) default '',
  gid varchar(128) default '',
  branch_id varchar(128) default '',
  op varchar(45) default '',
  barrier_id varchar(45) default '',
  reason varchar(45) default '',
  create_time timestamp(0) with time zone default now(),
  update_time timestamp(0) with time zone default now(),
  constraint uniq_barrier unique (gid, branch_id, op, barrier_id)
);
create index if not exists barrier_create_time on barrier(create_time);
create index if not exists barrier_update_time on barrier(update_time);
