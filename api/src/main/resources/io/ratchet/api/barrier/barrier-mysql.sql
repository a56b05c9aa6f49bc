-- The branch barrier table (PROTOCOL.md §8) for MySQL 5.7+/MariaDB, as DTM defines it (dtm_barrier.barrier there;
-- create it in the business database, or pass the qualified name to BranchBarrier.withTable).
create table if not exists barrier (
  id bigint(22) primary key auto_increment,
  trans_type varchar(45) default '',
  gid varchar(128) default '',
  branch_id varchar(128) default '',
  op varchar(45) default '',
  barrier_id varchar(45) default '',
  reason varchar(45) default '' comment 'the op that inserted this row',
  create_time datetime default now(),
  update_time datetime default now(),
  key(create_time),
  key(update_time),
  unique key uniq_barrier(gid, branch_id, op, barrier_id)
);
