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
      // Two processes starting together (npm start runs the API and the worker) both try; the loser sees
      // "already exists" (42P04), or a unique violation on pg_database (23505) when the two commands overlap.
      const code = (error as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') {
        throw error;
      }
    }
    return true;
  } finally {
    await client.end();
  }
}
