// The back-office console: a small client of the public admin API. It holds the operator's token in the tab's
// session storage (gone with the tab), sends it as a bearer header (so no cookie can be ridden by another site), and
// builds every page from the API's answers; nothing here knows a table, only routes of openapi.yaml.

const TEXT = {
  ru: {
    skip: 'К содержимому',
    nav: 'Разделы',
    language: 'Язык',
    signOut: 'Выйти',
    loading: 'Загрузка…',
    saved: 'Готово',
    signInTitle: 'Вход в консоль',
    signInOidc: 'Войти через корпоративный вход',
    signInDev: 'Войти (режим разработки)',
    tokenLabel: 'Токен доступа (JWT)',
    signInToken: 'Войти с токеном',
    noAccess: 'У этой учётной записи нет доступа к консоли.',
    dashboard: 'Обзор',
    collisions: 'Коллизии',
    deviations: 'Отклонения',
    deadLetters: 'Недоставленные',
    deliveries: 'Доставки',
    instantOrders: 'Моментальные заказы',
    returns: 'Возвраты',
    cashDocuments: 'Кассовые документы',
    couriers: 'Курьеры',
    reports: 'Отчёты',
    reconcile: 'Сверка',
    trace: 'Трассировка',
    openCollisions: 'Открытые коллизии',
    openDeviations: 'Открытые отклонения',
    waitingDeadLetters: 'Недоставленные события',
    connectors: 'Коннекторы',
    todayDeliveries: 'Доставки за сегодня',
    syncLag: 'Задержка синхронизации',
    status: 'Статус',
    created: 'Создано',
    entity: 'Объект',
    field: 'Поле',
    details: 'Подробно',
    open: 'Открыть',
    heldValue: 'Значение middleware',
    proposedValue: 'Предложено',
    proposedBy: 'Источник',
    decision: 'Решение',
    accept1c: 'Принять значение 1С',
    acceptMiddleware: 'Оставить значение middleware',
    edit: 'Исправить вручную',
    value: 'Значение (JSON)',
    comment: 'Комментарий',
    resolve: 'Решить',
    rule: 'Правило',
    severity: 'Важность',
    subject: 'Объект',
    since: 'С',
    lastSeen: 'Последний раз',
    measured: 'Значение',
    limit: 'Порог',
    destination: 'Назначение',
    type: 'Тип',
    error: 'Ошибка',
    replay: 'Повторить',
    replayAll: 'Повторить все',
    discard: 'Отбросить',
    reason: 'Причина',
    inspect: 'Смотреть',
    number: 'Номер',
    courier: 'Курьер',
    amount: 'Сумма',
    search: 'Найти',
    history: 'История',
    cashOnHand: 'Наличные на руках',
    advances: 'Подотчёт',
    openItems: 'Открытые позиции',
    from: 'С',
    to: 'По',
    show: 'Показать',
    downloadCsv: 'Скачать CSV',
    report: 'Отчёт',
    run: 'Запустить',
    dryRun: 'Пробный прогон',
    kind: 'Вид',
    runs: 'Прогоны',
    requestId: 'ID запроса',
    time: 'Время',
    what: 'Что',
    source: 'Источник',
    none: 'Нет данных',
    all: 'все',
    failed: 'Ошибка',
    next: 'Дальше',
  },
  en: {
    skip: 'Skip to content',
    nav: 'Sections',
    language: 'Language',
    signOut: 'Sign out',
    loading: 'Loading…',
    saved: 'Done',
    signInTitle: 'Sign in to the console',
    signInOidc: 'Sign in with the company account',
    signInDev: 'Sign in (development)',
    tokenLabel: 'Access token (JWT)',
    signInToken: 'Sign in with the token',
    noAccess: 'This account has no access to the console.',
    dashboard: 'Dashboard',
    collisions: 'Collisions',
    deviations: 'Deviations',
    deadLetters: 'Dead letters',
    deliveries: 'Deliveries',
    instantOrders: 'Instant orders',
    returns: 'Returns',
    cashDocuments: 'Cash documents',
    couriers: 'Couriers',
    reports: 'Reports',
    reconcile: 'Reconcile',
    trace: 'Trace',
    openCollisions: 'Open collisions',
    openDeviations: 'Open deviations',
    waitingDeadLetters: 'Dead letters waiting',
    connectors: 'Connectors',
    todayDeliveries: "Today's deliveries",
    syncLag: 'Sync lag',
    status: 'Status',
    created: 'Created',
    entity: 'Entity',
    field: 'Field',
    details: 'Details',
    open: 'Open',
    heldValue: "Middleware's value",
    proposedValue: 'Proposed',
    proposedBy: 'By',
    decision: 'Decision',
    accept1c: "Accept 1C's value",
    acceptMiddleware: "Keep the middleware's value",
    edit: 'Edit by hand',
    value: 'Value (JSON)',
    comment: 'Comment',
    resolve: 'Resolve',
    rule: 'Rule',
    severity: 'Severity',
    subject: 'Subject',
    since: 'Since',
    lastSeen: 'Last seen',
    measured: 'Value',
    limit: 'Limit',
    destination: 'Destination',
    type: 'Type',
    error: 'Error',
    replay: 'Replay',
    replayAll: 'Replay all',
    discard: 'Discard',
    reason: 'Reason',
    inspect: 'Inspect',
    number: 'Number',
    courier: 'Courier',
    amount: 'Amount',
    search: 'Search',
    history: 'History',
    cashOnHand: 'Cash on hand',
    advances: 'Advances',
    openItems: 'Open items',
    from: 'From',
    to: 'To',
    show: 'Show',
    downloadCsv: 'Download CSV',
    report: 'Report',
    run: 'Run',
    dryRun: 'Dry run',
    kind: 'Kind',
    runs: 'Runs',
    requestId: 'Request id',
    time: 'Time',
    what: 'What',
    source: 'Source',
    none: 'Nothing here',
    all: 'all',
    failed: 'Failed',
    next: 'Next',
  },
};

const TOKEN = 'mm.console.token';
const ID_TOKEN = 'mm.console.idToken';
const PKCE = 'mm.console.pkce';
let language = localStorage.getItem('mm.console.language') === 'en' ? 'en' : 'ru';
const t = (key) => TEXT[language][key] ?? key;

// --- the page's building blocks (DOM nodes, never HTML strings: values from the API are text, not markup) ---

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false)
      node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function table(columns, rows) {
  if (rows.length === 0) return el('p', { text: t('none') });
  return el(
    'table',
    {},
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        columns.map(([label]) => el('th', { scope: 'col', text: label })),
      ),
    ),
    el(
      'tbody',
      {},
      rows.map((row) =>
        el(
          'tr',
          {},
          columns.map(([, cell]) => el('td', {}, cell(row) ?? '')),
        ),
      ),
    ),
  );
}

/** Appends the nodes that exist: a page leaves out what does not apply (`false`, `null`). */
function put(parent, ...nodes) {
  parent.append(...nodes.filter((node) => node !== undefined && node !== null && node !== false));
}

const link = (href, text) => el('a', { href, 'data-link': true }, text);
const json = (value) => el('pre', { text: JSON.stringify(value, null, 2) });
const when = (iso) => (iso ? new Date(iso).toLocaleString(language === 'ru' ? 'ru-RU' : 'en-GB') : '');

function say(message, error = false) {
  const status = document.getElementById('status');
  status.textContent = message;
  status.className = error ? 'error' : '';
}

// --- the API, with the operator's token ---

async function api(method, path, body, { accept = 'application/json' } = {}) {
  const headers = { authorization: `Bearer ${sessionStorage.getItem(TOKEN)}`, accept };
  if (method !== 'GET') headers['idempotency-key'] = crypto.randomUUID();
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) {
    signOut(false);
    throw new Error(t('signInTitle'));
  }
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(`${response.status}: ${problem.detail ?? problem.title ?? response.statusText}`);
  }
  if (accept !== 'application/json') return response.blob();
  return response.status === 204 ? undefined : response.json();
}

async function act(work, done) {
  try {
    say(t('loading'));
    await work();
    // The page shown again first: it clears the status line, which then says what happened.
    if (done) await done();
    say(t('saved'));
  } catch (error) {
    say(error.message, true);
  }
}

// --- signing in: OpenID Connect (code + PKCE), the development sign-in, or a pasted token ---

const base64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const discovery = async (issuer) =>
  (await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`)).json();

async function startOidc(oidc) {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PKCE, JSON.stringify({ verifier, state }));
  const metadata = await discovery(oidc.issuer);
  const url = new URL(metadata.authorization_endpoint);
  const params = {
    response_type: 'code',
    client_id: oidc.clientId,
    redirect_uri: `${location.origin}/console/callback`,
    scope: oidc.scope,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    ...(oidc.resource ? { resource: oidc.resource } : {}),
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  location.assign(url.toString());
}

async function finishOidc(oidc) {
  const query = new URLSearchParams(location.search);
  const pending = JSON.parse(sessionStorage.getItem(PKCE) ?? 'null');
  sessionStorage.removeItem(PKCE);
  if (!pending || query.get('state') !== pending.state || !query.get('code')) {
    throw new Error(query.get('error_description') ?? query.get('error') ?? 'OIDC: state mismatch');
  }
  const metadata = await discovery(oidc.issuer);
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: query.get('code'),
    redirect_uri: `${location.origin}/console/callback`,
    client_id: oidc.clientId,
    code_verifier: pending.verifier,
    ...(oidc.resource ? { resource: oidc.resource } : {}),
  });
  const response = await fetch(metadata.token_endpoint, { method: 'POST', body: form });
  const tokens = await response.json();
  if (!response.ok) throw new Error(tokens.error_description ?? tokens.error ?? 'OIDC token');
  if (tokens.id_token) sessionStorage.setItem(ID_TOKEN, tokens.id_token);
  return tokens.access_token;
}

async function signedIn(token, method) {
  sessionStorage.setItem(TOKEN, token);
  try {
    await api('POST', '/api/v1/admin/console/sign-ins', { method });
  } catch (error) {
    sessionStorage.removeItem(TOKEN);
    throw new Error(error.message.startsWith('403') ? t('noAccess') : error.message, { cause: error });
  }
  history.replaceState(null, '', '/console');
  await render();
}

function signOut(rerender = true) {
  sessionStorage.removeItem(TOKEN);
  sessionStorage.removeItem(ID_TOKEN);
  if (rerender) {
    history.replaceState(null, '', '/console');
    void render();
  }
}

async function signInPage(main, settings) {
  const token = el('textarea', { id: 'token', rows: 4, autocomplete: 'off' });
  put(
    main,
    el(
      'section',
      { class: 'signin' },
      el('h1', { text: t('signInTitle') }),
      settings.oidc &&
        el('button', { type: 'button', onclick: () => act(() => startOidc(settings.oidc)) }, t('signInOidc')),
      settings.devSignIn &&
        el(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: () =>
              act(async () => {
                const response = await fetch('/console/dev-sign-in', { method: 'POST' });
                await signedIn((await response.json()).accessToken, 'development');
              }),
          },
          t('signInDev'),
        ),
      el(
        'form',
        { onsubmit: (event) => (event.preventDefault(), act(() => signedIn(token.value.trim(), 'token'))) },
        el('label', { for: 'token' }, t('tokenLabel'), token),
        el('button', { type: 'submit', class: 'secondary' }, t('signInToken')),
      ),
    ),
  );
}

// --- pages ---

const SECTIONS = [
  ['', 'dashboard'],
  ['collisions', 'collisions'],
  ['deviations', 'deviations'],
  ['dead-letters', 'deadLetters'],
  ['deliveries', 'deliveries'],
  ['instant-orders', 'instantOrders'],
  ['returns', 'returns'],
  ['cash-documents', 'cashDocuments'],
  ['couriers', 'couriers'],
  ['reports', 'reports'],
  ['reconcile', 'reconcile'],
  ['trace', 'trace'],
];

async function dashboard(main) {
  const today = new Date();
  today.setHours(0, 0, 0, 0);
  const [collisions, deviations, deadLetters, connectors, deliveries] = await Promise.all([
    api('GET', '/api/v1/admin/collisions?status=open&limit=200'),
    api('GET', '/api/v1/admin/deviations?status=open&limit=200'),
    api('GET', '/api/v1/admin/dead-letters?status=open&limit=200'),
    api('GET', '/api/v1/admin/connectors'),
    api('GET', `/api/v1/deliveries?limit=200&created_from=${encodeURIComponent(today.toISOString())}`),
  ]);
  const bySeverity = (severity) => deviations.items.filter((item) => item.severity === severity).length;
  const byStatus = {};
  for (const delivery of deliveries.items) byStatus[delivery.status] = (byStatus[delivery.status] ?? 0) + 1;
  const card = (label, value, href, tone) =>
    el(
      'div',
      { class: 'card' },
      el('div', {}, href ? link(href, label) : label),
      el('div', { class: `value ${tone ?? ''}` }, value),
    );
  put(
    main,
    el('h1', { text: t('dashboard') }),
    el(
      'div',
      { class: 'cards' },
      card(t('openCollisions'), collisions.items.length, '/console/collisions'),
      card(`${t('openDeviations')}: critical`, bySeverity('critical'), '/console/deviations', 'critical'),
      card(`${t('openDeviations')}: warning`, bySeverity('warning'), '/console/deviations', 'warning'),
      card(`${t('openDeviations')}: info`, bySeverity('info'), '/console/deviations'),
      card(
        t('waitingDeadLetters'),
        deadLetters.items.length,
        '/console/dead-letters',
        deadLetters.items.length ? 'critical' : 'ok',
      ),
      card(t('syncLag'), deviations.items.filter((item) => item.rule === 'sync_lag').length, '/console/deviations'),
    ),
    el('h2', { text: t('connectors') }),
    table(
      [
        [t('source'), (row) => row.name],
        [t('status'), (row) => el('span', { class: row.state === 'ok' ? 'ok' : 'critical' }, row.state)],
      ],
      connectors.connectors ?? [],
    ),
    el('h2', { text: t('todayDeliveries') }),
    table(
      [
        [t('status'), (row) => row[0]],
        ['#', (row) => row[1]],
      ],
      Object.entries(byStatus),
    ),
  );
}

async function collisionsPage(main, id) {
  if (id) {
    const collision = await api('GET', `/api/v1/admin/collisions/${id}`);
    const value = el('textarea', { id: 'value', rows: 4 });
    const comment = el('textarea', { id: 'comment', rows: 2, required: true });
    const decision = el(
      'select',
      { id: 'decision' },
      el('option', { value: 'accept_1c' }, t('accept1c')),
      el('option', { value: 'accept_middleware' }, t('acceptMiddleware')),
      el('option', { value: 'edit' }, t('edit')),
    );
    put(
      main,
      el('h1', {}, `${t('collisions')}: ${collision.entityType} ${collision.entityId} — ${collision.field}`),
      el('p', {}, `${t('status')}: ${collision.status}; ${t('proposedBy')}: ${collision.proposedBy}`),
      el(
        'div',
        { class: 'side-by-side' },
        el('section', {}, el('h2', { text: t('heldValue') }), json(collision.held)),
        el('section', {}, el('h2', { text: t('proposedValue') }), json(collision.proposed)),
      ),
      collision.status === 'open' &&
        el(
          'form',
          {
            class: 'inline',
            onsubmit: (event) => {
              event.preventDefault();
              const body = { decision: decision.value, comment: comment.value };
              if (decision.value === 'edit') body.value = JSON.parse(value.value || '{}');
              void act(
                () => api('POST', `/api/v1/admin/collisions/${id}/resolve`, body),
                () => go(`/console/collisions/${id}`),
              );
            },
          },
          el('label', { for: 'decision' }, t('decision'), decision),
          el('label', { for: 'value' }, t('value'), value),
          el('label', { for: 'comment' }, t('comment'), comment),
          el('button', { type: 'submit' }, t('resolve')),
        ),
      collision.resolution && el('section', {}, el('h2', { text: t('resolve') }), json(collision.resolution)),
    );
    return;
  }
  const page = await api('GET', '/api/v1/admin/collisions?status=open&limit=100');
  put(
    main,
    el('h1', { text: t('collisions') }),
    table(
      [
        [t('created'), (row) => when(row.createdAt)],
        [t('entity'), (row) => `${row.entityType} ${row.entityId}`],
        [t('field'), (row) => row.field],
        [t('proposedBy'), (row) => row.proposedBy],
        [t('details'), (row) => link(`/console/collisions/${row.id}`, t('open'))],
      ],
      page.items,
    ),
  );
}

async function deviationsPage(main) {
  const page = await api('GET', '/api/v1/admin/deviations?limit=100');
  put(
    main,
    el('h1', { text: t('deviations') }),
    table(
      [
        [t('rule'), (row) => row.rule],
        [t('severity'), (row) => el('span', { class: row.severity }, row.severity)],
        [t('subject'), (row) => row.label],
        [t('measured'), (row) => `${row.value} / ${row.threshold}`],
        [t('since'), (row) => when(row.since)],
        [t('status'), (row) => row.status],
        [
          t('resolve'),
          (row) => {
            if (row.status !== 'open') return row.comment ?? '';
            const comment = el('input', { id: `comment-${row.id}`, required: true });
            return el(
              'form',
              {
                class: 'inline',
                onsubmit: (event) => (
                  event.preventDefault(),
                  act(
                    () => api('POST', `/api/v1/admin/deviations/${row.id}/resolve`, { comment: comment.value }),
                    () => go('/console/deviations'),
                  )
                ),
              },
              el('label', { for: `comment-${row.id}` }, t('comment'), comment),
              el('button', { type: 'submit' }, t('resolve')),
            );
          },
        ],
      ],
      page.items,
    ),
  );
}

async function deadLettersPage(main, id) {
  if (id) {
    put(
      main,
      el('h1', { text: `${t('deadLetters')}: ${id}` }),
      json(await api('GET', `/api/v1/admin/dead-letters/${id}`)),
    );
    return;
  }
  const page = await api('GET', '/api/v1/admin/dead-letters?status=open&limit=100');
  const reasonOf = (row) => el('input', { id: `reason-${row.id}`, 'aria-label': t('reason'), value: 'console' });
  const bulkReason = el('input', { id: 'bulk-reason', value: 'console' });
  put(
    main,
    el('h1', { text: t('deadLetters') }),
    el(
      'form',
      {
        class: 'inline',
        onsubmit: (event) => (
          event.preventDefault(),
          act(
            () => api('POST', '/api/v1/admin/dead-letters/replay', { reason: bulkReason.value }),
            () => go('/console/dead-letters'),
          )
        ),
      },
      el('label', { for: 'bulk-reason' }, t('reason'), bulkReason),
      el('button', { type: 'submit' }, t('replayAll')),
    ),
    table(
      [
        [t('destination'), (row) => row.destination],
        [t('type'), (row) => row.type],
        [t('subject'), (row) => row.subject],
        [t('error'), (row) => row.errorCode ?? row.lastError?.code ?? ''],
        [
          '',
          (row) => {
            const reason = reasonOf(row);
            return el(
              'div',
              { class: 'inline' },
              link(`/console/dead-letters/${row.id}`, t('inspect')),
              reason,
              el(
                'button',
                {
                  type: 'button',
                  onclick: () =>
                    act(
                      () => api('POST', `/api/v1/admin/dead-letters/${row.id}/replay`, { reason: reason.value }),
                      () => go('/console/dead-letters'),
                    ),
                },
                t('replay'),
              ),
              el(
                'button',
                {
                  type: 'button',
                  class: 'danger',
                  onclick: () =>
                    act(
                      () =>
                        api(
                          'DELETE',
                          `/api/v1/admin/dead-letters/${row.id}?reason=${encodeURIComponent(reason.value)}`,
                        ),
                      () => go('/console/dead-letters'),
                    ),
                },
                t('discard'),
              ),
            );
          },
        ],
      ],
      page.items,
    ),
  );
}

/** The lists of business records: each one's route, its filters, and its columns. */
const RECORDS = {
  deliveries: { path: '/api/v1/deliveries', number: (row) => row.document?.number, amount: (row) => row.totals?.total },
  'instant-orders': { path: '/api/v1/instant-orders', number: (row) => row.number, amount: (row) => row.total },
  returns: { path: '/api/v1/returns', number: (row) => row.number, amount: (row) => row.refundTotal },
  'cash-documents': { path: '/api/v1/cash-documents', number: (row) => row.number, amount: (row) => row.amount },
};
const TRACE_TYPES = {
  deliveries: 'delivery',
  'instant-orders': 'instant_order',
  returns: 'return',
  'cash-documents': 'cash_document',
};

async function recordsPage(main, section, id) {
  const spec = RECORDS[section];
  const title = t(SECTIONS.find(([path]) => path === section)[1]);
  if (id) {
    const record = await api('GET', `${spec.path}/${id}`);
    const { history: changes = [], ...rest } = record;
    put(
      main,
      el('h1', {}, `${title}: ${spec.number(record) ?? id}`),
      el('p', {}, link(`/console/trace?entity=${TRACE_TYPES[section]}:${id}`, t('trace'))),
      json(rest),
      el('h2', { text: t('history') }),
      table(
        [
          [t('time'), (row) => when(row.occurredAt)],
          [t('what'), (row) => `${row.action}${row.to ? ` → ${row.to}` : ''}`],
          [t('source'), (row) => row.source],
          [t('requestId'), (row) => (row.requestId ? link(`/console/trace/${row.requestId}`, row.requestId) : '')],
        ],
        changes,
      ),
    );
    return;
  }
  const query = new URLSearchParams(location.search);
  const status = el('input', { id: 'filter-status', name: 'status', value: query.get('status') ?? '' });
  const courier = el('input', { id: 'filter-courier', name: 'courier', value: query.get('courier') ?? '' });
  const params = new URLSearchParams({ limit: '50' });
  for (const [name, value] of query) if (value) params.set(name, value);
  const page = await api('GET', `${spec.path}?${params}`);
  put(
    main,
    el('h1', { text: title }),
    el(
      'form',
      {
        class: 'inline',
        onsubmit: (event) => (
          event.preventDefault(),
          void go(`/console/${section}?${new URLSearchParams({ status: status.value, courier: courier.value })}`)
        ),
      },
      el('label', { for: 'filter-status' }, t('status'), status),
      el('label', { for: 'filter-courier' }, t('courier'), courier),
      el('button', { type: 'submit' }, t('search')),
    ),
    table(
      [
        [t('number'), (row) => link(`/console/${section}/${row.id}`, spec.number(row) ?? row.id)],
        [t('status'), (row) => row.status],
        [t('courier'), (row) => row.courierId ?? ''],
        [t('amount'), (row) => spec.amount(row) ?? ''],
        [t('created'), (row) => when(row.createdAt)],
      ],
      page.items,
    ),
  );
}

async function couriersPage(main, id) {
  if (id) {
    const cash = await api('GET', `/api/v1/couriers/${encodeURIComponent(id)}/cash`);
    put(
      main,
      el('h1', {}, `${t('couriers')}: ${cash.name ?? id}`),
      el(
        'div',
        { class: 'cards' },
        el('div', { class: 'card' }, t('cashOnHand'), el('div', { class: 'value' }, cash.cashOnHand)),
        el('div', { class: 'card' }, t('advances'), el('div', { class: 'value' }, cash.advances)),
      ),
      el('h2', { text: t('openItems') }),
      table(
        [
          [t('number'), (row) => row.number],
          [t('amount'), (row) => row.amount],
          [t('since'), (row) => when(row.collectedAt)],
        ],
        cash.openCollections,
      ),
      el('h2', { text: t('cashDocuments') }),
      table(
        [
          [t('number'), (row) => link(`/console/cash-documents/${row.id}`, row.number)],
          [t('status'), (row) => row.status],
          [t('amount'), (row) => row.amount],
        ],
        cash.pendingDocuments,
      ),
    );
    return;
  }
  const page = await api('GET', '/api/v1/admin/cash/balances?limit=200');
  put(
    main,
    el('h1', { text: t('couriers') }),
    table(
      [
        [t('courier'), (row) => link(`/console/couriers/${encodeURIComponent(row.courierId)}`, row.courierId)],
        [t('cashOnHand'), (row) => row.cashOnHand],
        [t('advances'), (row) => row.advances],
        [t('since'), (row) => when(row.oldestOpenCollectionAt)],
      ],
      page.items,
    ),
  );
}

/** The admin reports the API serves: each a route taking `from` and `to`, as JSON or CSV. */
const REPORTS = ['sla', 'sync-lag', 'dead-letters', 'exchange-sessions', 'deliveries', 'collisions'];

async function reportsPage(main) {
  const query = new URLSearchParams(location.search);
  const day = 86_400_000;
  const report = el(
    'select',
    { id: 'report' },
    REPORTS.map((name) => el('option', { value: name, selected: name === query.get('report') }, name)),
  );
  const from = el('input', {
    id: 'from',
    type: 'date',
    value: query.get('from') ?? new Date(Date.now() - 30 * day).toISOString().slice(0, 10),
  });
  const to = el('input', {
    id: 'to',
    type: 'date',
    value: query.get('to') ?? new Date(Date.now() + day).toISOString().slice(0, 10),
  });
  const path = () =>
    `/api/v1/admin/reports/${report.value}?from=${encodeURIComponent(`${from.value}T00:00:00Z`)}&to=${encodeURIComponent(`${to.value}T00:00:00Z`)}`;
  const result = el('section', { id: 'report-result' });
  const show = () =>
    act(async () => {
      const data = await api('GET', path());
      const rows = data.rows ?? data.byRule ?? data.items ?? [];
      const columns = rows.length
        ? Object.keys(rows[0]).map((name) => [
            name,
            (row) => (typeof row[name] === 'object' ? JSON.stringify(row[name]) : row[name]),
          ])
        : [];
      result.replaceChildren(table(columns, rows), json(data));
    });
  const download = () =>
    act(async () => {
      const blob = await api('GET', path(), undefined, { accept: 'text/csv' });
      const anchor = el('a', {
        href: URL.createObjectURL(blob),
        download: `${report.value}-${from.value}-${to.value}.csv`,
      });
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
    });
  put(
    main,
    el('h1', { text: t('reports') }),
    el(
      'form',
      { class: 'inline', onsubmit: (event) => (event.preventDefault(), show()) },
      el('label', { for: 'report' }, t('report'), report),
      el('label', { for: 'from' }, t('from'), from),
      el('label', { for: 'to' }, t('to'), to),
      el('button', { type: 'submit' }, t('show')),
      el('button', { type: 'button', class: 'secondary', onclick: download }, t('downloadCsv')),
    ),
    result,
  );
}

async function reconcilePage(main) {
  const runs = await api('GET', '/api/v1/admin/reconcile/runs?limit=50');
  const kind = el(
    'select',
    { id: 'kind' },
    ['products', 'counterparties', 'couriers'].map((name) => el('option', { value: name }, name)),
  );
  const dryRun = el('input', { id: 'dry-run', type: 'checkbox', checked: true });
  put(
    main,
    el('h1', { text: t('reconcile') }),
    el(
      'form',
      {
        class: 'inline',
        onsubmit: (event) => (
          event.preventDefault(),
          act(
            () => api('POST', `/api/v1/admin/reconcile/${kind.value}`, { dryRun: dryRun.checked }),
            () => go('/console/reconcile'),
          )
        ),
      },
      el('label', { for: 'kind' }, t('kind'), kind),
      el('label', { for: 'dry-run' }, t('dryRun'), dryRun),
      el('button', { type: 'submit' }, t('run')),
    ),
    el('h2', { text: t('runs') }),
    table(
      [
        [t('kind'), (row) => row.kind],
        [t('status'), (row) => row.status],
        [t('dryRun'), (row) => String(row.dryRun)],
        [t('created'), (row) => when(row.createdAt ?? row.startedAt)],
        [t('details'), (row) => json(row.report ?? row.summary ?? {})],
      ],
      runs.items,
    ),
  );
}

async function tracePage(main, requestId) {
  const entity = new URLSearchParams(location.search).get('entity');
  const input = el('input', { id: 'trace-request', value: requestId ?? '' });
  put(
    main,
    el('h1', { text: t('trace') }),
    el(
      'form',
      {
        class: 'inline',
        onsubmit: (event) => (
          event.preventDefault(),
          void go(`/console/trace/${encodeURIComponent(input.value.trim())}`)
        ),
      },
      el('label', { for: 'trace-request' }, t('requestId'), input),
      el('button', { type: 'submit' }, t('show')),
    ),
  );
  if (!requestId && !entity) return;
  const timeline = await api(
    'GET',
    requestId
      ? `/api/v1/admin/trace/${encodeURIComponent(requestId)}`
      : `/api/v1/admin/trace?entity=${encodeURIComponent(entity)}`,
  );
  put(
    main,
    table(
      [
        [t('time'), (row) => when(row.at)],
        [t('what'), (row) => row.kind],
        [t('source'), (row) => row.source],
        [t('details'), (row) => row.summary],
        [t('requestId'), (row) => (row.requestId ? link(`/console/trace/${row.requestId}`, row.requestId) : '')],
      ],
      timeline.entries ?? timeline.items ?? [],
    ),
  );
}

// --- the router ---

function go(path) {
  history.pushState(null, '', path);
  return render();
}

async function render() {
  document.documentElement.lang = language;
  const main = document.getElementById('main');
  const nav = document.getElementById('nav');
  const signOutButton = document.getElementById('sign-out');
  main.replaceChildren();
  signOutButton.textContent = t('signOut');
  document.querySelector('.skip').textContent = t('skip');
  document.querySelector('label[for="language"]').textContent = t('language');
  nav.setAttribute('aria-label', t('nav'));
  const settings = await (await fetch('/console/config.json')).json();
  const [, , section = '', id] = location.pathname.split('/').map(decodeURIComponent);
  try {
    if (section === 'callback' && settings.oidc) {
      await signedIn(await finishOidc(settings.oidc), 'oidc');
      return;
    }
    if (!sessionStorage.getItem(TOKEN)) {
      nav.hidden = true;
      signOutButton.hidden = true;
      await signInPage(main, settings);
      return;
    }
    nav.hidden = false;
    signOutButton.hidden = false;
    nav.replaceChildren(
      ...SECTIONS.map(([path, key]) =>
        el(
          'a',
          {
            href: `/console${path ? `/${path}` : ''}`,
            'data-link': true,
            'aria-current': section === path ? 'page' : undefined,
          },
          t(key),
        ),
      ),
    );
    say('');
    if (section === '') await dashboard(main);
    else if (section === 'collisions') await collisionsPage(main, id);
    else if (section === 'deviations') await deviationsPage(main);
    else if (section === 'dead-letters') await deadLettersPage(main, id);
    else if (RECORDS[section]) await recordsPage(main, section, id);
    else if (section === 'couriers') await couriersPage(main, id);
    else if (section === 'reports') await reportsPage(main);
    else if (section === 'reconcile') await reconcilePage(main);
    else if (section === 'trace') await tracePage(main, id);
    else put(main, el('h1', { text: '404' }));
  } catch (error) {
    say(error.message, true);
  }
}

document.addEventListener('click', (event) => {
  const anchor = event.target.closest('a[data-link]');
  if (anchor && !event.ctrlKey && !event.metaKey) {
    event.preventDefault();
    void go(anchor.getAttribute('href'));
  }
});
window.addEventListener('popstate', () => void render());
document.getElementById('language').value = language;
document.getElementById('language').addEventListener('change', (event) => {
  language = event.target.value;
  localStorage.setItem('mm.console.language', language);
  void render();
});
document.getElementById('sign-out').addEventListener('click', () => signOut());
void render();
