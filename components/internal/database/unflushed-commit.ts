/**
 * A RETURNING clause that lets the statement's transaction commit without waiting for its
 * WAL to reach the disk (PostgreSQL's synchronous_commit = off, for this transaction only).
 * Such a commit is atomic and ordered like any other: a crash can lose it only together
 * with everything the WAL holds after it, and the next commit that does wait flushes it
 * too. (In PGlite there is no WAL writer: until then the commit is in the process's memory
 * only.) For writes whose loss the database itself repairs: a log message nobody was told
 * is stored, a consumer's acknowledgement, a read model whose acknowledgements are written
 * after it in the same database. One statement, no extra round trip: the setting is read
 * at commit, before the transaction's end resets it. UNFLUSHED_SETTING is the same call, for
 * a transaction of several statements (SELECT it in the transaction).
 */
export const UNFLUSHED_SETTING = "set_config('synchronous_commit', 'off', true)";
export const UNFLUSHED_COMMIT = `RETURNING ${UNFLUSHED_SETTING} AS unflushed_commit`;
