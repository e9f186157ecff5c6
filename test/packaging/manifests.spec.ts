/**
 * No Docker engine or cluster runs in CI, so the deployment files are checked by parsing them against the code they
 * deploy: probe paths and ports against the routes and config defaults, environment names against what the config
 * reads, commands against what the build produces, and grace periods against the shutdown timeout.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigValidationError, loadConfig } from '../../libs/core/src/config/app-config';
import { REPO_ROOT, scanConfig } from './config-variables';

// ---------------------------------------------------------------------------------------------------------------
// The shapes of the YAML we read. Parsed values are cast to these and then asserted on, field by field.

interface Metadata {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface Probe {
  httpGet?: { path?: string; port?: number | string };
}
interface ContainerPort {
  name?: string;
  containerPort: number;
}
interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: ContainerPort[];
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command?: string[] }; sleep?: { seconds?: number } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  restartPolicy?: string;
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  volumes?: { name: string; emptyDir?: object; persistentVolumeClaim?: { claimName: string } }[];
}
interface PodTemplate {
  metadata?: Metadata;
  spec: PodSpec;
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: Metadata;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: {
    replicas?: number;
    /** `matchLabels` for workloads and budgets; plain labels for Services. */
    selector?: { matchLabels?: Record<string, string>; [label: string]: unknown };
    template?: PodTemplate;
    ports?: { name?: string; port: number; targetPort?: number | string }[];
    clusterIP?: string;
    scaleTargetRef?: { kind: string; name: string };
    minReplicas?: number;
    maxReplicas?: number;
    maxUnavailable?: number | string;
    minAvailable?: number | string;
    accessModes?: string[];
    strategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
  };
  resources?: string[];
}
interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  depends_on?: Record<string, { condition?: string }> | string[];
  profiles?: string[];
  volumes?: string[];
  stop_grace_period?: string;
  secrets?: string[];
  ports?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { environment?: string; file?: string }>;
}
interface PrometheusConfig {
  scrape_configs: {
    job_name: string;
    metrics_path?: string;
    static_configs?: { targets: string[] }[];
    dns_sd_configs?: { names: string[]; port: number }[];
  }[];
}
interface CollectorConfig {
  receivers: { otlp: { protocols: { http?: { endpoint?: string } } } };
  service: { pipelines: Record<string, { receivers: string[]; exporters: string[] }> };
}

// ---------------------------------------------------------------------------------------------------------------
// Loading

interface YamlFile {
  readonly path: string;
  readonly documents: unknown[];
}

function walk(directory: string, keep: (file: string) => boolean): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter(keep)
    .sort()
    .map((file) => join(directory, file));
}

function readYaml(path: string): YamlFile {
  // merge: true resolves the `<<: *anchor` keys compose files use, as Docker Compose does.
  const documents = parseAllDocuments(readFileSync(path, 'utf8'), { merge: true });
  const list = Array.isArray(documents) ? documents : [documents];
  for (const document of list) {
    if (document.errors.length > 0) {
      throw new Error(`${relative(REPO_ROOT, path)}: ${document.errors.map((error) => error.message).join('; ')}`);
    }
  }
  return { path, documents: list.map((document) => document.toJS() as unknown).filter((value) => value !== null) };
}

const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');
const isYaml = (file: string): boolean => /\.ya?ml$/.test(file);

const yamlFiles = [...walk(join(REPO_ROOT, 'k8s'), isYaml), ...walk(join(REPO_ROOT, 'docker'), isYaml)].map(readYaml);
const k8sFiles = yamlFiles.filter((file) => relative(REPO_ROOT, file.path).startsWith('k8s/'));
const k8sObjects = k8sFiles.flatMap((file) =>
  (file.documents as K8sObject[]).map((object) => ({ file: relative(REPO_ROOT, file.path), object })),
);
const manifests = k8sObjects.filter(({ object }) => object.kind !== 'Kustomization');
const byKind = (kind: string): K8sObject[] =>
  manifests.filter(({ object }) => object.kind === kind).map(({ object }) => object);
const named = (kind: string, name: string): K8sObject => {
  const found = byKind(kind).find((object) => object.metadata.name === name);
  if (!found) {
    throw new Error(`no ${kind} named ${name} under k8s/`);
  }
  return found;
};

const compose = readYaml(join(REPO_ROOT, 'docker', 'compose.yaml')).documents[0] as ComposeFile;
const config = scanConfig();
const knownVariables = new Set(config.variables.keys());

// ---------------------------------------------------------------------------------------------------------------
// What the code says

/** The image every app container (k8s) and every built service (compose) must use. */
const IMAGE = 'ghcr.io/mastermobile/middleware:latest';

function apiHealthRoutes(): string[] {
  const source = read('libs/core/src/health/health.controller.ts');
  const prefix = /@Controller\('([^']+)'\)/.exec(source)?.[1];
  const routes = [...source.matchAll(/@Get\('([^']+)'\)/g)].map((match) => `/${prefix}/${match[1]}`);
  return routes;
}

function opsServerRoutes(): string[] {
  return [...read('libs/core/src/health/ops-server.ts').matchAll(/path === '([^']+)'/g)].map((match) => match[1]);
}

function defaultOf(name: string): string {
  const value = config.variables.get(name)?.constantDefault;
  if (typeof value !== 'string') {
    throw new Error(`${name} has no constant default in libs/core/src/config`);
  }
  return value;
}

/** `dist/apps/worker/src/main.js` -> `apps/worker/src/main.ts`, when that source exists (swc keeps the paths). */
function sourceOfBuiltFile(argument: string): string | undefined {
  const match = /^(?:\.\/)?dist\/(.+)\.js$/.exec(argument);
  return match && existsSync(join(REPO_ROOT, `${match[1]}.ts`)) ? `${match[1]}.ts` : undefined;
}

/** Every `dist/…js` a command names must come from a source file the build compiles. */
function expectRunsBuiltFiles(command: readonly string[], entrypoint: string): void {
  expect(command[0]).toBe('node');
  const built = command.filter((argument) => /(^|\/)dist\//.test(argument));
  expect(built.length).toBeGreaterThan(0);
  for (const argument of built) {
    expect({ argument, source: sourceOfBuiltFile(argument) }).toEqual({ argument, source: expect.any(String) });
  }
  expect(command[command.length - 1]).toBe(entrypoint);
}

function mebibytes(quantity: string | undefined): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity ?? '');
  if (!match) {
    throw new Error(`unsupported memory quantity ${quantity}`);
  }
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}

function durationMs(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(value);
  if (!match) {
    throw new Error(`unsupported duration ${value}`);
  }
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
}

// ---------------------------------------------------------------------------------------------------------------
// Kubernetes helpers

const configMap = named('ConfigMap', 'mastermobile-config');
const secretTemplate = named('Secret', 'mastermobile-secrets');
const configMapData = configMap.data ?? {};
const secretKeys = Object.keys({ ...secretTemplate.data, ...secretTemplate.stringData });

/** The value a pod sees: ConfigMap first, then the config's own default. */
const deployedValue = (name: string): string => configMapData[name] ?? defaultOf(name);

function podTemplate(object: K8sObject): PodTemplate {
  const template = object.spec?.template;
  if (!template) {
    throw new Error(`${object.kind} ${object.metadata.name} has no pod template`);
  }
  return template;
}

/** Our pods run one container, the app; no sidecars to confuse the checks. */
function appContainer(object: K8sObject): Container {
  const { containers } = podTemplate(object).spec;
  if (containers.length !== 1) {
    throw new Error(`${object.kind} ${object.metadata.name} should run exactly one container`);
  }
  return containers[0];
}

function resolvePort(container: Container, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') {
    return port;
  }
  return container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

function preStopSleepMs(container: Container): number {
  const preStop = container.lifecycle?.preStop;
  if (preStop?.sleep?.seconds !== undefined) {
    return preStop.sleep.seconds * 1000;
  }
  const command = preStop?.exec?.command ?? [];
  return command[0] === 'sleep' ? Number(command[1]) * 1000 : 0;
}

const workloads = [...byKind('Deployment'), ...byKind('Job')];
const apiDeployment = named('Deployment', 'mastermobile-api');
const workerDeployment = named('Deployment', 'mastermobile-worker');
const migrateJob = named('Job', 'mastermobile-migrate');

function matches(selector: Record<string, unknown> | undefined, labels: Record<string, string> | undefined): boolean {
  return (
    selector !== undefined &&
    Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([key, value]) => labels?.[key] === value)
  );
}

function deploymentsSelectedBy(selector: Record<string, unknown> | undefined): K8sObject[] {
  return byKind('Deployment').filter((deployment) => matches(selector, podTemplate(deployment).metadata?.labels));
}

// ---------------------------------------------------------------------------------------------------------------
// Dockerfile

interface DockerInstruction {
  readonly keyword: string;
  readonly argument: string;
}

function dockerInstructions(): DockerInstruction[] {
  return read('docker/Dockerfile')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .map((line) => {
      const [, keyword, argument] = /^(\S+)\s*(.*)$/.exec(line) ?? ['', line, ''];
      return { keyword: keyword.toUpperCase(), argument };
    });
}

/** The instructions of the last stage, i.e. the image that ships. */
function finalStage(instructions: DockerInstruction[]): DockerInstruction[] {
  const lastFrom = instructions.map((instruction) => instruction.keyword).lastIndexOf('FROM');
  return instructions.slice(lastFrom);
}

// ===============================================================================================================

describe('deployment files', () => {
  it('finds and parses every YAML file under k8s/ and docker/, multi-document aware', () => {
    const paths = yamlFiles.map((file) => relative(REPO_ROOT, file.path));
    expect(paths).toEqual(
      expect.arrayContaining([
        'docker/compose.yaml',
        'docker/observability/prometheus.yaml',
        'docker/observability/otel-collector.yaml',
        'k8s/kustomization.yaml',
        'k8s/configmap.yaml',
        'k8s/secret.template.yaml',
      ]),
    );
    for (const { object, file } of manifests) {
      expect({ file, apiVersion: object.apiVersion, kind: object.kind, name: object.metadata?.name }).toEqual({
        file,
        apiVersion: expect.any(String),
        kind: expect.any(String),
        name: expect.any(String),
      });
    }
    expect(new Set(manifests.map(({ object }) => object.kind))).toEqual(
      new Set([
        'ConfigMap',
        'Secret',
        'Deployment',
        'Service',
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'Job',
        'PersistentVolumeClaim',
      ]),
    );
  });

  it('reads the routes and defaults it checks against from the code', () => {
    expect(apiHealthRoutes()).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
    expect(opsServerRoutes()).toEqual(expect.arrayContaining(['/health/live', '/health/ready', '/metrics']));
    expect(defaultOf('PORT')).toMatch(/^\d+$/);
    expect(defaultOf('WORKER_OPS_PORT')).toMatch(/^\d+$/);
    expect(defaultOf('SHUTDOWN_TIMEOUT_MS')).toMatch(/^\d+$/);
  });
});

describe('Dockerfile', () => {
  const instructions = dockerInstructions();
  const stages = instructions.filter((instruction) => instruction.keyword === 'FROM');
  const shipped = finalStage(instructions);
  const last = (keyword: string): string | undefined =>
    shipped.filter((instruction) => instruction.keyword === keyword).pop()?.argument;

  it('is multi-stage: dependencies with npm ci, a build, production-only dependencies, a slim Node 24 runtime', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(stages.every((stage) => / AS [a-z-]+$/i.test(stage.argument))).toBe(true);
    const runs = instructions.filter((instruction) => instruction.keyword === 'RUN').map((run) => run.argument);
    expect(runs.some((run) => /\bnpm ci\b/.test(run))).toBe(true);
    expect(runs.some((run) => /\bnpm run build\b/.test(run))).toBe(true);
    expect(runs.some((run) => /\bnpm (prune|ci)\b.*--omit=dev/.test(run))).toBe(true);
    const nodeImage = /^ARG NODE_IMAGE=(\S+)$/m.exec(read('docker/Dockerfile'))?.[1];
    const runtimeBase = stages[stages.length - 1].argument.split(/\s+/)[0].replace('${NODE_IMAGE}', nodeImage ?? '');
    expect(runtimeBase).toMatch(/^node:24(\.\d+)*-(bookworm-)?slim$/);
  });

  it('ships as a non-root user with NODE_ENV=production', () => {
    const user = last('USER');
    expect(user).toBeDefined();
    expect(user?.split(':')[0]).not.toMatch(/^(root|0)$/);
    expect(shipped.some((instruction) => /^NODE_ENV=production\b/.test(instruction.argument))).toBe(true);
    // Kubernetes runs the same numeric user, so runAsNonRoot can be verified.
    for (const workload of workloads) {
      expect(String(podTemplate(workload).spec.securityContext?.runAsUser)).toBe(user?.split(':')[0]);
    }
  });

  it('runs node under tini so SIGTERM reaches it, and starts the API by default', () => {
    const entrypoint = JSON.parse(last('ENTRYPOINT') ?? '[]') as string[];
    expect(entrypoint[0]).toMatch(/\/tini$/);
    expect(entrypoint).toContain('--');
    const command = JSON.parse(last('CMD') ?? '[]') as string[];
    expectRunsBuiltFiles(command, 'dist/apps/api/src/main.js');
  });

  it('health-checks the API liveness route on its default port', () => {
    const healthcheck = last('HEALTHCHECK') ?? '';
    const url = /http:\/\/127\.0\.0\.1:' \+ \(process\.env\.PORT \|\| (\d+)\) \+ '(\/[a-z/]+)'/.exec(healthcheck);
    expect(url?.[1]).toBe(defaultOf('PORT'));
    expect(apiHealthRoutes()).toContain(url?.[2]);
  });

  it('keeps secrets, dependencies and builds out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['.git', '.env', 'node_modules', 'dist']));
    // …but not what the build stage copies.
    const copied = instructions
      .filter((instruction) => instruction.keyword === 'COPY' && !instruction.argument.startsWith('--from'))
      .flatMap((instruction) => instruction.argument.split(/\s+/).slice(0, -1));
    expect(copied.length).toBeGreaterThan(0);
    for (const source of copied) {
      expect(ignored).not.toContain(source);
      expect(existsSync(join(REPO_ROOT, source))).toBe(true);
    }
  });
});

describe('Kubernetes manifests', () => {
  it('are namespace-agnostic', () => {
    for (const { file, object } of manifests) {
      expect({ file, namespace: object.metadata.namespace }).toEqual({ file, namespace: undefined });
    }
  });

  it('kustomization lists every manifest except the Secret template', () => {
    const kustomization = k8sObjects.find(({ object }) => object.kind === 'Kustomization')?.object;
    const listed = [...(kustomization?.resources ?? [])].sort();
    const expected = k8sFiles
      .map((file) => relative(join(REPO_ROOT, 'k8s'), file.path))
      .filter((file) => file !== 'kustomization.yaml' && file !== 'secret.template.yaml')
      .sort();
    expect(listed).toEqual(expected);
  });

  it('use one image for every app container, and the same one as compose', () => {
    const images = workloads.flatMap((workload) => podTemplate(workload).spec.containers.map((c) => c.image));
    expect(images).toHaveLength(3);
    expect(new Set(images)).toEqual(new Set([IMAGE]));
    const built = Object.values(compose.services).filter((service) => service.build !== undefined);
    expect(built.map((service) => service.image)).toEqual([IMAGE, IMAGE, IMAGE]);
  });

  it('keep the image entrypoint (tini) and run files the build produces', () => {
    const entrypoints: Record<string, string> = {
      'mastermobile-api': 'dist/apps/api/src/main.js',
      'mastermobile-worker': 'dist/apps/worker/src/main.js',
      'mastermobile-migrate': 'dist/scripts/migrate.js',
    };
    for (const workload of workloads) {
      const container = appContainer(workload);
      // `command` would replace the ENTRYPOINT, leaving node as PID 1.
      expect(container.command).toBeUndefined();
      expectRunsBuiltFiles(container.args ?? [], entrypoints[workload.metadata.name ?? '']);
    }
    expect(sourceOfBuiltFile('dist/scripts/migrate.js')).toBe('scripts/migrate.ts');
  });

  it('probe the API on its real routes and port', () => {
    const container = appContainer(apiDeployment);
    const port = Number(deployedValue('PORT'));
    expect(port).toBe(3000);
    const routes = apiHealthRoutes();
    const probes = {
      startup: container.startupProbe?.httpGet,
      readiness: container.readinessProbe?.httpGet,
      liveness: container.livenessProbe?.httpGet,
    };
    expect(probes.readiness?.path).toBe('/health/ready');
    expect(probes.liveness?.path).toBe('/health/live');
    for (const probe of Object.values(probes)) {
      expect(routes).toContain(probe?.path);
      expect(resolvePort(container, probe?.port)).toBe(port);
    }
    expect(podTemplate(apiDeployment).metadata?.annotations?.['prometheus.io/port']).toBe(String(port));
  });

  it('probe the worker on the ops listener port and its routes', () => {
    const container = appContainer(workerDeployment);
    const port = Number(deployedValue('WORKER_OPS_PORT'));
    expect(port).toBe(9464);
    const routes = opsServerRoutes();
    const probes = [container.startupProbe, container.readinessProbe, container.livenessProbe].map(
      (probe) => probe?.httpGet,
    );
    expect(probes.map((probe) => probe?.path)).toEqual(['/health/live', '/health/ready', '/health/live']);
    for (const probe of probes) {
      expect(routes).toContain(probe?.path);
      expect(resolvePort(container, probe?.port)).toBe(port);
    }
    const annotations = podTemplate(workerDeployment).metadata?.annotations;
    expect(annotations?.['prometheus.io/port']).toBe(String(port));
    expect(routes).toContain(annotations?.['prometheus.io/path']);
  });

  it('roll out safely: a new pod is ready before an old one goes (docs/operations/releases.md)', () => {
    for (const deployment of [apiDeployment, workerDeployment]) {
      expect({ deployment: deployment.metadata.name, strategy: deployment.spec?.strategy }).toEqual({
        deployment: deployment.metadata.name,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      });
      expect(appContainer(deployment).readinessProbe?.httpGet?.path).toBe('/health/ready');
    }
    // The API keeps serving while its endpoint's removal reaches every proxy, then drains on SIGTERM.
    expect(preStopSleepMs(appContainer(apiDeployment))).toBeGreaterThanOrEqual(5000);
  });

  it('give pods longer to stop than the app takes to shut down', () => {
    const shutdownMs = Number(deployedValue('SHUTDOWN_TIMEOUT_MS'));
    expect(shutdownMs).toBeGreaterThan(0);
    for (const deployment of [apiDeployment, workerDeployment]) {
      const grace = podTemplate(deployment).spec.terminationGracePeriodSeconds;
      expect(grace).toEqual(expect.any(Number));
      const needed = shutdownMs + preStopSleepMs(appContainer(deployment));
      expect({ deployment: deployment.metadata.name, graceMs: (grace ?? 0) * 1000 > needed }).toEqual({
        deployment: deployment.metadata.name,
        graceMs: true,
      });
    }
  });

  it('harden every pod: non-root, read-only root filesystem with /tmp on an emptyDir, resources set', () => {
    for (const workload of workloads) {
      const { spec } = podTemplate(workload);
      const container = appContainer(workload);
      expect(spec.securityContext?.runAsNonRoot).toBe(true);
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
      expect(spec.volumes?.find((volume) => volume.name === tmp?.name)?.emptyDir).toBeDefined();
      expect(container.resources?.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources?.limits?.memory).toEqual(expect.any(String));
    }
    expect(podTemplate(migrateJob).spec.restartPolicy).toBe('Never');
  });

  it("start the API with the image's command, its V8 heap bounded well inside the pod's memory limit", () => {
    const imageCommand = JSON.parse(
      finalStage(dockerInstructions())
        .filter((instruction) => instruction.keyword === 'CMD')
        .pop()?.argument ?? '[]',
    ) as string[];
    const container = appContainer(apiDeployment);
    // One list in both places: bench:commerceml measures the image's command, so the pod must run the same.
    expect(container.args).toEqual(imageCommand);
    const flag = (name: string) =>
      Number(/=(\d+)$/.exec(imageCommand.find((argument) => argument.startsWith(`--${name}=`)) ?? '')?.[1]);
    const oldSpaceMiB = flag('max-old-space-size');
    const semiSpaceMiB = flag('max-semi-space-size');
    expect(oldSpaceMiB).toBeGreaterThan(0);
    expect(semiSpaceMiB).toBeGreaterThan(0);
    // The heap at its bounds (old generation + two semi-spaces), plus what Node holds outside it (binary, native
    // buffers, V8's page pool: about 130 MiB in docs/benchmarks.md), must fit, or the kernel kills the pod first.
    expect(oldSpaceMiB + 2 * semiSpaceMiB + 128).toBeLessThanOrEqual(mebibytes(container.resources?.limits?.memory));
  });

  it('route Services to pods that exist, on container ports that exist', () => {
    const services = byKind('Service');
    expect(services.length).toBeGreaterThanOrEqual(2);
    for (const service of services) {
      const [target] = deploymentsSelectedBy(service.spec?.selector);
      expect(target).toBeDefined();
      for (const port of service.spec?.ports ?? []) {
        expect(resolvePort(appContainer(target), port.targetPort ?? port.port)).toEqual(expect.any(Number));
      }
    }
    const apiService = named('Service', 'mastermobile-api');
    expect(deploymentsSelectedBy(apiService.spec?.selector)).toEqual([apiDeployment]);
    const workerMetrics = services.find((service) =>
      deploymentsSelectedBy(service.spec?.selector).includes(workerDeployment),
    );
    expect(workerMetrics?.spec?.clusterIP).toBe('None');
  });

  it('autoscale the API, leave replicas to the HPA, and budget disruptions for api and worker', () => {
    const hpas = byKind('HorizontalPodAutoscaler');
    const targets = hpas.map((hpa) => hpa.spec?.scaleTargetRef?.name);
    expect(targets).toContain('mastermobile-api');
    for (const hpa of hpas) {
      const target = named('Deployment', hpa.spec?.scaleTargetRef?.name ?? '');
      // A replicas field would be re-applied over the HPA's count on every deploy.
      expect(target.spec?.replicas).toBeUndefined();
      expect(hpa.spec?.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa.spec?.maxReplicas).toBeGreaterThan(hpa.spec?.minReplicas ?? 0);
    }
    const budgeted = byKind('PodDisruptionBudget').flatMap((pdb) =>
      deploymentsSelectedBy(pdb.spec?.selector?.matchLabels).map((deployment) => deployment.metadata.name),
    );
    expect(budgeted.sort()).toEqual(['mastermobile-api', 'mastermobile-worker']);
    for (const deployment of byKind('Deployment')) {
      expect(matches(deployment.spec?.selector?.matchLabels, podTemplate(deployment).metadata?.labels)).toBe(true);
    }
  });

  it('put the 1C exchange work area on one ReadWriteMany volume every API and worker pod mounts', () => {
    // 1C's calls of one exchange (upload parts, repeated imports) may land on any API replica, and an import resumes
    // after a restart only if its files survive: a per-pod folder would break both once there are two replicas. The
    // exchange janitor, a recurring job any worker may run, deletes the folders of finished sessions.
    const workDir = deployedValue('ONEC_EXCHANGE_WORK_DIR');
    const claims = [apiDeployment, workerDeployment].map((deployment) => {
      const mount = appContainer(deployment).volumeMounts?.find((candidate) => workDir.startsWith(candidate.mountPath));
      const volume = podTemplate(deployment).spec.volumes?.find((candidate) => candidate.name === mount?.name);
      return { deployment: deployment.metadata.name, claim: volume?.persistentVolumeClaim?.claimName };
    });
    expect(claims).toEqual([
      { deployment: 'mastermobile-api', claim: expect.any(String) },
      { deployment: 'mastermobile-worker', claim: claims[0].claim },
    ]);
    expect(named('PersistentVolumeClaim', claims[0].claim ?? '').spec?.accessModes).toEqual(['ReadWriteMany']);
  });

  it('feed every app container the ConfigMap and the Secret', () => {
    for (const workload of workloads) {
      const sources = appContainer(workload).envFrom ?? [];
      expect(sources.map((source) => source.configMapRef?.name ?? source.secretRef?.name)).toEqual([
        configMap.metadata.name,
        secretTemplate.metadata.name,
      ]);
    }
  });
});

describe('environment variables', () => {
  const k8sEnvNames = [
    ...Object.keys(configMapData),
    ...secretKeys,
    ...workloads.flatMap((workload) => (appContainer(workload).env ?? []).map((entry) => entry.name)),
  ];
  // The services built from this repository run the app; the others are third-party images.
  const appServices = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);

  it('finds the variables the config reads', () => {
    expect(knownVariables.size).toBeGreaterThan(20);
    expect(config.productionRequired).toEqual(
      expect.arrayContaining([['JWT_ISSUER'], ['JWT_AUDIENCE'], ['JWT_PUBLIC_KEY', 'JWT_JWKS_URL', 'JWT_SECRET']]),
    );
    for (const group of config.productionRequired) {
      for (const name of group) {
        expect(knownVariables).toContain(name);
      }
    }
  });

  it('manifests and compose only set variables the config reads', () => {
    expect(k8sEnvNames.length).toBeGreaterThan(10);
    expect(appServices.map(([name]) => name).sort()).toEqual(['api', 'migrate', 'worker']);
    const composeEnvNames = appServices.flatMap(([, service]) => Object.keys(service.environment ?? {}));
    expect(composeEnvNames.length).toBeGreaterThan(5);
    const unknown = [...new Set([...k8sEnvNames, ...composeEnvNames])].filter((name) => !knownVariables.has(name));
    expect(unknown).toEqual([]);
  });

  it('the ConfigMap and Secret provide everything production requires, and one JWT verification source', () => {
    const provided = new Set([...Object.keys(configMapData), ...secretKeys]);
    const missing = config.productionRequired.filter((group) => !group.some((name) => provided.has(name)));
    expect(missing).toEqual([]);
    // The config refuses two sources at once (key-confusion guard).
    const jwtSources = ['JWT_PUBLIC_KEY', 'JWT_JWKS_URL', 'JWT_SECRET'].filter((name) => provided.has(name));
    expect(jwtSources).toHaveLength(1);
    for (const secret of ['DATABASE_URL', 'REDIS_URL']) {
      expect(secretKeys).toContain(secret);
      expect(Object.keys(configMapData)).not.toContain(secret);
    }
  });

  it('the Secret is a template of obvious placeholders', () => {
    const values = Object.values(secretTemplate.stringData ?? {});
    expect(values.length).toBe(secretKeys.length);
    for (const value of values) {
      expect(value).toContain('REPLACE_ME');
    }
  });

  it('the ConfigMap plus a filled-in Secret is a valid production configuration', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const env: Record<string, string> = { ...configMapData, ...secretTemplate.stringData };
    if (env.JWT_PUBLIC_KEY !== undefined) {
      env.JWT_PUBLIC_KEY = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    }
    let loaded: ReturnType<typeof loadConfig> | undefined;
    try {
      loaded = loadConfig(env);
    } catch (error) {
      throw error instanceof ConfigValidationError ? new Error(error.message) : error;
    }
    expect(loaded.production).toBe(true);
    // The Job migrates; the apps must not race it or create databases.
    expect(loaded.database.migrationsRun).toBe(false);
    expect(loaded.database.createIfMissing).toBe(false);
    expect(loaded.http.swaggerEnabled).toBe(false);
  });

  it('the compose environment is a valid configuration that leaves migrations to the migrate service', () => {
    for (const [name, service] of appServices) {
      const env = Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([key, value]) => [key, value === null ? '' : String(value)]),
      );
      const loaded = loadConfig(env);
      expect({ name, migrationsRun: loaded.database.migrationsRun }).toEqual({ name, migrationsRun: false });
      expect(loaded.jwt.usesDevelopmentSecret).toBe(false);
    }
  });
});

describe('docker compose', () => {
  const services = compose.services;
  const appEnv = (name: string): Record<string, string> =>
    Object.fromEntries(Object.entries(services[name]?.environment ?? {}).map(([key, value]) => [key, String(value)]));
  const composeValue = (service: string, name: string): string => appEnv(service)[name] ?? defaultOf(name);
  const healthUrl = (service: string): URL => {
    const test = services[service]?.healthcheck?.test;
    const text = Array.isArray(test) ? test.join(' ') : (test ?? '');
    const url = /https?:\/\/[^'"\s)]+/.exec(text)?.[0];
    expect({ service, url }).toEqual({ service, url: expect.any(String) });
    return new URL(url ?? 'http://invalid');
  };

  it('runs PostgreSQL 16 and Redis 7 with health checks, Redis configured as BullMQ requires', () => {
    expect(services.postgres?.image).toBe('postgres:16');
    expect(services.redis?.image).toBe('redis:7');
    expect(services.postgres?.healthcheck?.test).toEqual(expect.arrayContaining([expect.stringMatching(/pg_isready/)]));
    expect(services.redis?.healthcheck?.test).toEqual(expect.arrayContaining(['redis-cli', 'ping']));
    const command = services.redis?.command;
    const flags = (Array.isArray(command) ? command.join(' ') : (command ?? '')).replace(/\s+/g, ' ');
    expect(flags).toContain('--appendonly yes');
    expect(flags).toContain('--appendfsync everysec');
    expect(flags).toContain('--maxmemory-policy noeviction');
  });

  it('migrates once, then starts api and worker on healthy dependencies', () => {
    const migrate = services.migrate;
    expect(Array.isArray(migrate?.command)).toBe(true);
    expectRunsBuiltFiles(migrate?.command as string[], 'dist/scripts/migrate.js');
    expect(migrate?.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    for (const name of ['api', 'worker']) {
      expect(services[name]?.depends_on).toEqual({
        migrate: { condition: 'service_completed_successfully' },
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    }
    expect(services.api?.command).toBeUndefined();
    expectRunsBuiltFiles(services.worker?.command as string[], 'dist/apps/worker/src/main.js');
  });

  it('points the app services at the compose PostgreSQL and Redis', () => {
    for (const name of ['migrate', 'api', 'worker']) {
      expect(new URL(appEnv(name).DATABASE_URL).hostname).toBe('postgres');
      expect(new URL(appEnv(name).REDIS_URL).hostname).toBe('redis');
      expect(appEnv(name).NODE_ENV).toBe('development');
    }
    const database = new URL(appEnv('api').DATABASE_URL);
    expect(services.postgres?.environment).toMatchObject({
      POSTGRES_USER: database.username,
      POSTGRES_PASSWORD: database.password,
      POSTGRES_DB: database.pathname.slice(1),
    });
  });

  it('health-checks api and worker on their real routes and ports', () => {
    const api = healthUrl('api');
    expect(apiHealthRoutes()).toContain(api.pathname);
    expect(api.port).toBe(composeValue('api', 'PORT'));
    const worker = healthUrl('worker');
    expect(opsServerRoutes()).toContain(worker.pathname);
    expect(worker.port).toBe(composeValue('worker', 'WORKER_OPS_PORT'));
    expect(services.migrate?.healthcheck?.disable).toBe(true);
  });

  it('shares the 1C exchange work area between api and worker on a named volume', () => {
    const mounts = ['api', 'worker'].map((name) => {
      const workDir = composeValue(name, 'ONEC_EXCHANGE_WORK_DIR');
      const volume = services[name]?.volumes?.find((candidate) => workDir.startsWith(candidate.split(':')[1] ?? '-'));
      return { name, volume: volume?.split(':')[0] };
    });
    expect(mounts).toEqual([
      { name: 'api', volume: expect.stringMatching(/^[a-z][\w-]*$/) },
      { name: 'worker', volume: mounts[0].volume },
    ]);
    // The image creates the mount point for the app user, so a fresh named volume is writable by it.
    expect(read('docker/Dockerfile')).toContain(`chown 1000:1000 ${composeValue('api', 'ONEC_EXCHANGE_WORK_DIR')}`);
  });

  it('waits longer than the shutdown timeout before killing an app container', () => {
    for (const name of ['api', 'worker']) {
      const grace = durationMs(services[name]?.stop_grace_period ?? '10s');
      expect(grace).toBeGreaterThan(Number(composeValue(name, 'SHUTDOWN_TIMEOUT_MS')));
    }
  });

  it('has an observability profile: collector, traces, Prometheus scraping api and worker metrics', () => {
    const profiled = Object.entries(services)
      .filter(([, service]) => service.profiles?.includes('observability'))
      .map(([name]) => name);
    expect(profiled).toEqual(expect.arrayContaining(['otel-collector', 'jaeger', 'prometheus']));
    for (const name of profiled) {
      for (const volume of services[name]?.volumes ?? []) {
        const source = volume.split(':')[0];
        if (source.startsWith('.')) {
          expect(existsSync(join(REPO_ROOT, 'docker', source))).toBe(true);
        }
      }
    }

    const prometheus = readYaml(join(REPO_ROOT, 'docker/observability/prometheus.yaml'))
      .documents[0] as PrometheusConfig;
    const targets = prometheus.scrape_configs.flatMap((job) => [
      ...(job.static_configs ?? []).flatMap((group) => group.targets.map((target) => `${target}${job.metrics_path}`)),
      ...(job.dns_sd_configs ?? []).flatMap((sd) => sd.names.map((name) => `${name}:${sd.port}${job.metrics_path}`)),
    ]);
    expect(targets.sort()).toEqual(
      [
        `api:${composeValue('api', 'PORT')}/metrics`,
        `worker:${composeValue('worker', 'WORKER_OPS_PORT')}/metrics`,
      ].sort(),
    );
    expect(opsServerRoutes()).toContain('/metrics');
    expect(read('libs/core/src/metrics/metrics.controller.ts')).toContain("@Controller('metrics')");

    const collector = readYaml(join(REPO_ROOT, 'docker/observability/otel-collector.yaml'))
      .documents[0] as CollectorConfig;
    const otlpHttpPort = collector.receivers.otlp.protocols.http?.endpoint?.split(':').pop();
    const endpoint = new URL(appEnv('api').OTEL_EXPORTER_OTLP_ENDPOINT);
    expect(endpoint.hostname).toBe('otel-collector');
    expect(endpoint.port).toBe(otlpHttpPort);
    expect(collector.service.pipelines.traces?.receivers).toContain('otlp');
  });

  it('evaluates the alert rules, routes them to Slack and Telegram and provisions the dashboards', () => {
    const mountOf = (service: string, source: string): string | undefined =>
      services[service]?.volumes?.find((volume) => volume.split(':')[0] === source)?.split(':')[1];

    // Prometheus loads alerts.yaml from where it is mounted and sends to the profile's Alertmanager.
    const prometheus = readYaml(join(REPO_ROOT, 'docker/observability/prometheus.yaml')).documents[0] as {
      rule_files?: string[];
      alerting?: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
    };
    expect(prometheus.rule_files).toEqual([mountOf('prometheus', './observability/alerts.yaml')]);
    const alertmanagers = (prometheus.alerting?.alertmanagers ?? []).flatMap((am) =>
      am.static_configs.flatMap((group) => group.targets),
    );
    expect(alertmanagers).toEqual(['alertmanager:9093']);
    expect(services.alertmanager?.profiles).toEqual(['observability']);

    // Alertmanager: critical to Slack and Telegram, warning to Slack, secrets read from files compose mounts.
    const configPath = mountOf('alertmanager', './observability/alertmanager.yaml');
    expect(services.alertmanager?.command).toContain(`--config.file=${configPath}`);
    const alertmanager = readYaml(join(REPO_ROOT, 'docker/observability/alertmanager.yaml')).documents[0] as {
      route: { receiver: string; routes: { matchers: string[]; receiver: string }[] };
      receivers: {
        name: string;
        slack_configs?: { api_url_file?: string; api_url?: string }[];
        telegram_configs?: { bot_token_file?: string; bot_token?: string; chat_id?: number }[];
      }[];
    };
    const receiver = (name: string) => alertmanager.receivers.find((candidate) => candidate.name === name);
    const routed = (severity: string) =>
      receiver(
        alertmanager.route.routes.find((route) => route.matchers.includes(`severity="${severity}"`))?.receiver ?? '',
      );
    expect(routed('critical')?.slack_configs).toHaveLength(1);
    expect(routed('critical')?.telegram_configs).toHaveLength(1);
    expect(routed('warning')?.slack_configs).toHaveLength(1);
    expect(routed('warning')?.telegram_configs).toBeUndefined();
    expect(receiver(alertmanager.route.receiver)).toBeDefined();
    const secretFiles = alertmanager.receivers.flatMap((r) => [
      ...(r.slack_configs ?? []).map((slack) => {
        expect(slack.api_url).toBeUndefined();
        return slack.api_url_file;
      }),
      ...(r.telegram_configs ?? []).map((telegram) => {
        expect(telegram.bot_token).toBeUndefined();
        expect(typeof telegram.chat_id).toBe('number');
        return telegram.bot_token_file;
      }),
    ]);
    const mountedSecrets = (services.alertmanager?.secrets ?? []).map((name) => `/run/secrets/${name}`);
    expect([...new Set(secretFiles)].sort()).toEqual(mountedSecrets.sort());
    for (const name of services.alertmanager?.secrets ?? []) {
      expect(compose.secrets?.[name]?.environment).toMatch(/^[A-Z_]+$/);
    }

    // Grafana: the provider's path is where the dashboards folder is mounted, and it holds the six dashboards.
    const provider = readYaml(join(REPO_ROOT, 'docker/observability/grafana-dashboards.yaml')).documents[0] as {
      providers: { options: { path: string } }[];
    };
    expect(provider.providers[0].options.path).toBe(mountOf('grafana', './observability/dashboards'));
    expect(mountOf('grafana', './observability/grafana-dashboards.yaml')).toBe(
      '/etc/grafana/provisioning/dashboards/dashboards.yaml',
    );
    const dashboards = readdirSync(join(REPO_ROOT, 'docker/observability/dashboards')).sort();
    expect(dashboards).toEqual(
      ['api.json', 'backbone.json', 'bitrix24.json', 'domain.json', 'onec.json', 'overview.json'].sort(),
    );
    const uids = dashboards.map((file) => {
      const model = JSON.parse(read(`docker/observability/dashboards/${file}`)) as {
        uid: string;
        title: string;
        panels: { targets?: { expr: string; datasource?: { uid: string } }[] }[];
      };
      expect(model.title).toBeTruthy();
      expect(model.panels.length).toBeGreaterThan(0);
      for (const target of model.panels.flatMap((panel) => panel.targets ?? [])) {
        expect(target.expr).toBeTruthy();
        expect(target.datasource?.uid).toBe('prometheus');
      }
      return model.uid;
    });
    expect(new Set(uids).size).toBe(dashboards.length);
  });

  it('links every alert to its section of the runbook', () => {
    const rules = readYaml(join(REPO_ROOT, 'docker/observability/alerts.yaml')).documents[0] as {
      groups: { rules: { alert?: string; labels?: { severity?: string }; annotations?: { runbook?: string } }[] }[];
    };
    const alerts = rules.groups.flatMap((group) => group.rules).filter((rule) => rule.alert !== undefined);
    expect(alerts.length).toBeGreaterThan(25);
    const anchors = new Set(
      [...read('docs/operations/runbook.md').matchAll(/^#+ (.+)$/gm)].map(([, heading]) =>
        heading
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const alert of alerts) {
      expect({ alert: alert.alert, severity: alert.labels?.severity }).toEqual({
        alert: alert.alert,
        severity: expect.stringMatching(/^(critical|warning)$/),
      });
      const [file, anchor] = (alert.annotations?.runbook ?? '').split('#');
      expect({ alert: alert.alert, file, known: anchors.has(anchor) }).toEqual({
        alert: alert.alert,
        file: 'docs/operations/runbook.md',
        known: true,
      });
      expect(anchor).toBe(alert.alert!.toLowerCase());
    }
  });
});
