import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from './wait';

/** A binary of the newest PostgreSQL installed. */
export function pgBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  return join(root, version, 'bin', name);
}

export const asPostgres = (args: string[]) =>
  execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

export function uidOf(user: string, kind: 'u' | 'g' = 'u'): number {
  return Number(
    execFileSync('id', [`-${kind}`, user])
      .toString()
      .trim(),
  );
}

export function portTaken(port: number): boolean {
  try {
    const out = execFileSync('ss', ['-Hltn', `sport = :${port}`]).toString();
    return out.trim().length > 0;
  } catch {
    return false;
  }
}

/**
 * A drill's private PostgreSQL cluster on a spare port (initdb as the postgres OS user under `root`), never the shared
 * service: the drills kill, restart and delete it at will. `archiveTimeoutS` turns WAL archiving to `archive` on.
 */
export class Cluster {
  readonly archive: string;
  dataDir: string;

  constructor(
    readonly root: string,
    readonly port: number,
    private readonly options: { archiveTimeoutS?: number } = {},
  ) {
    this.archive = join(root, 'archive');
    this.dataDir = join(root, 'primary');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/mastermobile`;
  }

  init(): void {
    for (const dir of [this.archive, join(this.root, 'sock')]) {
      execFileSync('mkdir', ['-p', dir]);
    }
    execFileSync('chown', ['-R', 'postgres:postgres', this.root]);
    asPostgres([pgBin('initdb'), '-D', this.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    const archiving =
      this.options.archiveTimeoutS === undefined
        ? []
        : [
            'wal_level = replica',
            'archive_mode = on',
            `archive_command = 'test ! -f ${this.archive}/%f && cp %p ${this.archive}/%f'`,
            `archive_timeout = ${this.options.archiveTimeoutS}s`,
          ];
    appendFileSync(
      join(this.dataDir, 'postgresql.conf'),
      [
        '',
        `port = ${this.port}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${join(this.root, 'sock')}'`,
        ...archiving,
        'max_connections = 100',
        'fsync = on',
        '',
      ].join('\n'),
    );
  }

  start(): void {
    asPostgres([
      pgBin('pg_ctl'),
      '-D',
      this.dataDir,
      '-l',
      join(this.root, 'postgres.log'),
      '-w',
      '-t',
      '300',
      'start',
    ]);
  }

  /** `pg_ctl stop -m immediate`: every backend is killed without a checkpoint, the next start runs crash recovery. */
  stopImmediate(): void {
    asPostgres([pgBin('pg_ctl'), '-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
  }

  postmasterPid(): number | undefined {
    const file = join(this.dataDir, 'postmaster.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
  }

  /** `kill -9` of the postmaster and its data directory deleted: the primary is gone. */
  async destroy(): Promise<void> {
    this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
    // The backends notice their postmaster died and exit; the port is free once none is left.
    await waitUntil(() => !portTaken(this.port), 'the destroyed cluster to let go of its port', 30_000);
  }

  stop(): void {
    const pid = this.postmasterPid();
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
