import type { DataSource, EntityManager } from 'typeorm';

/** What a repository needs of the database: a statement, in the caller's transaction (an EntityManager) or outside one (the DataSource). */
export type Db = Pick<EntityManager, 'query'>;

/** What an orchestrator needs of the DataSource: a statement outside any transaction, and a transaction; in-memory in unit tests. */
export type Transactions = Pick<DataSource, 'query'> & {
  transaction<T>(run: (db: EntityManager) => Promise<T>): Promise<T>;
};
