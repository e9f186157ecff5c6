import { Client } from 'pg';

/**
 * Creates the configured database when it does not exist yet, so a fresh clone runs against a bare local
 * PostgreSQL. Only used outside production, where databases are provisioned deliberately.
 */
export async function ensureDatabaseExists(databaseUrl: string): Promise<boolean> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) {
    return false;
  }
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) {
      return false;
    }
    try {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } catch (error) {
      // Two processes starting together both try; the loser sees "already exists", which is what it wanted.
      if ((error as { code?: string }).code !== '42P04') {
        throw error;
      }
    }
    return true;
  } finally {
    await client.end();
  }
}
