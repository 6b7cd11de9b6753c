// Kluis client portal (development only): a parent or youth signs in with a token and sees their
// dossiers as SPEC §4 allows, plus who viewed them (§4 note 4).
//
// Plain ES module, no build step, no dependencies, served by Kluis itself under a strict CSP
// ('self' only). Security choices:
// - every value from the API reaches the page through textContent (the `h` helper below), never
//   innerHTML, so a name or entry text can never become markup or script;
// - the token lives in memory only (not localStorage/sessionStorage): a reload signs out, and no
//   other page of this origin can read it later;
// - the page asks `myAccess` first and requests only the categories the viewer may read
//   (@include on fragments); what the server still withholds (null + FORBIDDEN) is shown as
//   "Afgeschermd", never as an empty value.

const CATEGORY_NL = {
  IDENTITY: 'Identiteit', CONTACT: 'Contactgegevens', IDENTIFIERS: 'BSN en identiteitsbewijs', FAMILY: 'Gezin',
  CARE: 'Zorg (plan en verslagen)', WORK_NOTES: 'Werkaantekeningen', ENTITLEMENT: 'Beschikking', CONSENT: 'Toestemmingen',
  RIGHTS: 'Verzoeken', ACCESS_LOG: 'Inzageoverzicht',
};
const RELATIONSHIP_NL = {
  parent: 'ouder met gezag', child_12_15: 'kind (12–15 jaar)', youth_16_plus: 'jongere (16 jaar of ouder)',
  care_worker: 'hulpverlener', emergency: 'spoedtoegang', behavioural_expert: 'gedragsdeskundige', admin_support: 'administratie',
  privacy_officer: 'functionaris gegevensbescherming', auditor: 'auditor', partner_verwijsindex: 'verwijsindex',
  partner_municipality: 'gemeente', partner_consented: 'externe organisatie (met toestemming)',
};
const ROLE_NL = {
  care_worker: 'Hulpverlener', behavioural_expert: 'Gedragsdeskundige', admin_support: 'Administratief medewerker',
  privacy_officer: 'Functionaris gegevensbescherming', auditor: 'Auditor', client: 'Cliënt of ouder', partner: 'Externe organisatie',
};
const ACTION_NL = {
  READ: 'bekeken', CREATE: 'vastgelegd', UPDATE: 'gewijzigd', DELETE: 'verwijderd', EXPORT: 'geëxporteerd', SEARCH: 'gezocht',
  EMERGENCY: 'spoedtoegang', LOG_READ: 'inzageoverzicht bekeken',
};
const BASIS_NL = {
  CARE_RELATIONSHIP: 'behandelrelatie', EMERGENCY: 'spoed (noodprocedure)', CONSENT: 'toestemming', AUDIT_GRANT: 'auditopdracht',
  LEGAL_DUTY: 'wettelijke plicht', RIGHT_OF_ACCESS: 'eigen inzagerecht', NONE: '—',
};
const RELATION_NL = {
  MOTHER: 'moeder', FATHER: 'vader', PARENT: 'ouder', FOSTER_PARENT: 'pleegouder', GUARDIAN: 'voogd', SIBLING: 'broer of zus',
  GRANDPARENT: 'grootouder', OTHER: 'anders',
};
const ENTRY_KIND_NL = { CONTACT: 'Contact', OBSERVATION: 'Observatie', EVALUATION: 'Evaluatie', QUESTIONNAIRE: 'Vragenlijst', CORRESPONDENCE: 'Correspondentie' };
const GOAL_STATUS_NL = { OPEN: 'open', IN_PROGRESS: 'bezig', ACHIEVED: 'bereikt', STOPPED: 'gestopt' };
const DOSSIER_TYPE_NL = { YOUTH_CARE: 'Jeugdhulp', YOUTH_PROTECTION: 'Jeugdbescherming' };
const STATUS_NL = { OPEN: 'open', CLOSED: 'gesloten' };
const ALL_CATEGORIES = Object.keys(CATEGORY_NL);
const LOG_PAGE_SIZE = 10;

// ---- GraphQL documents (static; what is requested is switched by variables from myAccess) ----

const DOSSIERS = `query PortalDossiers {
  dossiers(first: 20) { edges { node { id myAccess { relationships read } } } }
}`;

const PERSON_FRAGMENTS = `
fragment PersonIdentity on Person { firstName lastName dateOfBirth }
fragment PersonContact on Person { street postalCode city phone email }
fragment PersonIdentifiers on Person { bsn }`;

const DOSSIER = `query PortalDossier($id: ID!, $identity: Boolean!, $contact: Boolean!, $identifiers: Boolean!, $family: Boolean!, $care: Boolean!, $entitlement: Boolean!) {
  dossier(id: $id) {
    id
    subject { id ...PersonIdentity @include(if: $identity) ...PersonContact @include(if: $contact) ...PersonIdentifiers @include(if: $identifiers) }
    ...DossierEntitlement @include(if: $entitlement)
    ...DossierFamily @include(if: $family)
    ...DossierCare @include(if: $care)
  }
}
fragment DossierEntitlement on Dossier {
  type status openedOn
  entitlements(first: 20) { edges { node { id municipality product decisionNumber validFrom validUntil } } }
}
fragment DossierFamily on Dossier {
  family(first: 50) { edges { node { id relation hasCustody
    person { id ...PersonIdentity @include(if: $identity) ...PersonContact @include(if: $contact) ...PersonIdentifiers @include(if: $identifiers) } } } }
}
fragment DossierCare on Dossier {
  supportPlan {
    goals(first: 50) { edges { node { id text status } } }
    evaluations(first: 50) { edges { node { id evaluatedOn text } } }
  }
  entries(first: 50) { edges { node { id kind occurredOn text author { displayName } } } pageInfo { hasNextPage } }
}${PERSON_FRAGMENTS}`;

const ACCESS_LOG = `query PortalAccessLog($id: ID!, $first: Int!, $after: String) {
  dossier(id: $id) { id accessLog(first: $first, after: $after) {
    edges { node { id occurredAt organisation actorRole relationship action categories purpose legalBasis emergency outcome summary } }
    pageInfo { hasNextPage endCursor }
  } }
}`;

/** One query for the subjects' names of several dossiers (aliases; ids go in as variables, never into the text). */
function namesQuery(ids) {
  const vars = ids.map((_, i) => `$d${i}: ID!`).join(', ');
  const fields = ids.map((_, i) => `d${i}: dossier(id: $d${i}) { id subject { id firstName lastName } }`).join('\n  ');
  return `query PortalDossierNames(${vars}) {\n  ${fields}\n}`;
}

// ---- small helpers ----

/** Creates an element; string children become text nodes (never parsed as HTML). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const $ = (id) => document.getElementById(id);
const nodes = (conn) => (conn?.edges ?? []).map((e) => e.node);
const formatDate = (d) => (d ? new Date(`${d}T12:00:00Z`).toLocaleDateString('nl-NL', { day: 'numeric', month: 'long', year: 'numeric' }) : d);
const formatTime = (t) => new Date(t).toLocaleString('nl-NL', { timeZone: 'Europe/Amsterdam', dateStyle: 'medium', timeStyle: 'medium' });

class PortalError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

const state = { token: null, label: '', dossiers: [], selected: null, log: null, generation: 0 };

function setStatus(text, kind = 'info') {
  const el = $('status');
  el.textContent = text;
  el.dataset.kind = kind;
}

/** POST /graphql with the viewer's token. Resolves to { data, errors }; throws on a refused request. */
async function gql(query, variables = {}) {
  let res;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${state.token}` },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new PortalError('Kluis is niet bereikbaar.');
  }
  let body;
  try {
    body = await res.json();
  } catch {
    throw new PortalError(`Onverwacht antwoord van Kluis (HTTP ${res.status}).`);
  }
  const code = body?.errors?.[0]?.extensions?.code;
  if (res.status === 401 || code === 'UNAUTHENTICATED') throw new PortalError('Dit token wordt niet geaccepteerd (ongeldig of verlopen). Meld u opnieuw aan.', 'UNAUTHENTICATED');
  if (!body?.data) throw new PortalError(code === 'NOT_FOUND' ? 'Dit dossier is niet (meer) beschikbaar.' : `Kluis weigerde het verzoek (${code ?? res.status}).`, code);
  return { data: body.data, errors: body.errors ?? [] };
}

/** The response paths the server withheld (null + FORBIDDEN), as "a.b.0.c" strings. */
function forbiddenPaths(errors) {
  return new Set(errors.filter((e) => e.extensions?.code === 'FORBIDDEN' && Array.isArray(e.path)).map((e) => e.path.join('.')));
}

// ---- sign in / out ----

async function loadDemoUsers() {
  try {
    const res = await fetch('api/demo-users');
    if (!res.ok) return;
    const { users } = await res.json();
    const box = $('demo-buttons');
    box.replaceChildren(...users.map((u) => h('button', {
      type: 'button', 'data-demo-user': u.id, onclick: () => signInAsDemo(u),
    }, u.label)));
    $('demo-users').hidden = users.length === 0;
  } catch {
    // No demo tokens here (e.g. JWKS configured): pasting a token still works.
  } finally {
    $('demo-users').dataset.loaded = 'true';
  }
}

async function signInAsDemo(user) {
  setStatus('Aanmelden…');
  try {
    const res = await fetch('api/demo-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: user.id }) });
    if (!res.ok) throw new PortalError('Er kon geen demo-token worden gemaakt.');
    const { token } = await res.json();
    await signIn(token, `demo: ${user.label}`);
  } catch (err) {
    setStatus(err instanceof PortalError ? err.message : 'Aanmelden mislukt.', 'error');
  }
}

async function signIn(token, label) {
  state.token = token;
  state.label = label;
  state.generation += 1;
  setStatus('Dossiers laden…');
  try {
    await loadDossiers();
    $('sign-in').hidden = true;
    $('viewer').hidden = false;
    $('viewer-label').textContent = `Aangemeld (${label})`;
    setStatus('');
  } catch (err) {
    signOut();
    setStatus(err instanceof PortalError ? err.message : 'Aanmelden mislukt.', 'error');
  }
}

function signOut() {
  state.token = null;
  state.dossiers = [];
  state.selected = null;
  state.log = null;
  state.generation += 1;
  $('token-input').value = '';
  $('sign-in').hidden = false;
  $('viewer').hidden = true;
  $('dossiers').hidden = true;
  $('dossier').hidden = true;
  $('dossier').replaceChildren();
  $('dossier-list').replaceChildren();
  setStatus('U bent afgemeld.');
}

// ---- dossiers ----

async function loadDossiers() {
  const { data } = await gql(DOSSIERS);
  const list = nodes(data.dossiers).map((d) => ({ id: d.id, access: d.myAccess, name: null }));
  // Names only for dossiers whose IDENTITY the viewer may read (myAccess first, then ask).
  const named = list.filter((d) => d.access.read.includes('IDENTITY'));
  if (named.length) {
    const vars = Object.fromEntries(named.map((d, i) => [`d${i}`, d.id]));
    const { data: names } = await gql(namesQuery(named.map((d) => d.id)), vars);
    named.forEach((d, i) => {
      const s = names[`d${i}`]?.subject;
      if (s?.firstName) d.name = `${s.firstName} ${s.lastName ?? ''}`.trim();
    });
  }
  state.dossiers = list;
  renderDossierList();
  if (list.length) await selectDossier(list[0].id);
  else $('dossier').hidden = true;
}

function relationshipText(access) {
  return access.relationships.map((r) => RELATIONSHIP_NL[r] ?? r).join(', ');
}

function renderDossierList() {
  const ul = $('dossier-list');
  ul.replaceChildren(...state.dossiers.map((d) => h('li', {},
    h('button', {
      type: 'button', class: 'dossier-link', 'data-dossier-id': d.id, 'aria-current': state.selected === d.id ? 'true' : undefined,
      onclick: () => selectDossier(d.id),
    }, h('strong', {}, d.name ?? 'Dossier'), ' — u bent hier ', relationshipText(d.access)))));
  if (!state.dossiers.length) ul.append(h('li', { class: 'muted' }, 'U heeft geen dossiers die u kunt inzien.'));
  $('dossiers').hidden = false;
}

async function selectDossier(id) {
  const d = state.dossiers.find((x) => x.id === id);
  if (!d) return;
  const generation = state.generation;
  state.selected = id;
  renderDossierList();
  const read = new Set(d.access.read);
  setStatus('Dossier laden…');
  try {
    const { data, errors } = await gql(DOSSIER, {
      id,
      identity: read.has('IDENTITY'), contact: read.has('CONTACT'), identifiers: read.has('IDENTIFIERS'),
      family: read.has('FAMILY'), care: read.has('CARE'), entitlement: read.has('ENTITLEMENT'),
    });
    if (generation !== state.generation) return;
    renderDossier(d, data.dossier, forbiddenPaths(errors), read);
    setStatus('');
    if (read.has('ACCESS_LOG')) await loadAccessLog(id, null);
  } catch (err) {
    setStatus(err instanceof PortalError ? err.message : 'Het dossier kon niet worden geladen.', 'error');
  }
}

/**
 * One field as a row. States: shown, empty (no value), denied (the server withheld it: null +
 * FORBIDDEN at this path), no-access (the category is not readable, so it was never requested).
 */
function fieldRow(label, field, value, path, readable, denied, format = (v) => v) {
  let stateName;
  let text;
  if (!readable) [stateName, text] = ['no-access', 'Geen inzage'];
  else if (denied.has(path)) [stateName, text] = ['denied', 'Afgeschermd'];
  else if (value === null || value === undefined || value === '') [stateName, text] = ['empty', '—'];
  else [stateName, text] = ['shown', String(format(value))];
  return h('div', { class: `field ${stateName}`, 'data-field': field, 'data-state': stateName },
    h('dt', {}, label),
    h('dd', {}, stateName === 'denied' ? h('span', { class: 'badge', title: 'Kluis geeft dit gegeven niet aan u vrij' }, text) : text));
}

function personFields(person, basePath, read, denied) {
  const p = person ?? {};
  const row = (label, field, category, format) => fieldRow(label, field, p[field], `${basePath}.${field}`, read.has(category), denied, format);
  return h('dl', { class: 'fields' },
    row('Voornaam', 'firstName', 'IDENTITY'),
    row('Achternaam', 'lastName', 'IDENTITY'),
    row('Geboortedatum', 'dateOfBirth', 'IDENTITY', formatDate),
    row('Straat', 'street', 'CONTACT'),
    row('Postcode', 'postalCode', 'CONTACT'),
    row('Plaats', 'city', 'CONTACT'),
    row('Telefoon', 'phone', 'CONTACT'),
    row('E-mail', 'email', 'CONTACT'),
    row('BSN', 'bsn', 'IDENTIFIERS'));
}

function section(title, category, read, testid, ...content) {
  const readable = category === null || read.has(category);
  return h('section', { class: 'card', 'data-section': testid, 'data-state': readable ? 'shown' : 'no-access' },
    h('h3', {}, title),
    readable ? content : h('p', { class: 'no-access-note' }, `Geen inzage: u mag ${CATEGORY_NL[category].toLowerCase()} van dit dossier niet inzien.`));
}

function renderDossier(d, dossier, denied, read) {
  const root = $('dossier');
  const name = d.name ?? 'Dossier';
  const unreadable = ALL_CATEGORIES.filter((c) => !read.has(c));
  const entries = nodes(dossier.entries);
  const goals = nodes(dossier.supportPlan?.goals);
  const evaluations = nodes(dossier.supportPlan?.evaluations);
  const family = nodes(dossier.family);

  root.replaceChildren(
    h('h2', {}, `Dossier van ${name}`),
    h('section', { class: 'card access', 'data-section': 'access' },
      h('h3', {}, 'Uw inzage'),
      h('p', {}, 'U bent in dit dossier: ', h('strong', { 'data-testid': 'relationships' }, relationshipText(d.access)), '.'),
      h('p', {}, 'U mag inzien: ', h('span', { 'data-testid': 'access-read' }, d.access.read.map((c) => CATEGORY_NL[c] ?? c).join(', ') || 'niets'), '.'),
      unreadable.length ? h('p', { class: 'muted' }, 'Geen inzage in: ', h('span', { 'data-testid': 'access-unreadable' }, unreadable.map((c) => CATEGORY_NL[c]).join(', ')), '.') : null,
      h('p', { class: 'muted' }, 'Gegevens gemarkeerd als “Afgeschermd” zijn er wel, maar Kluis geeft ze niet aan u vrij — bijvoorbeeld contactgegevens van een ander gezinslid.')),

    section('Persoonsgegevens', null, read, 'subject',
      h('div', { 'data-person': dossier.subject?.id ?? '', 'data-testid': 'subject' }, personFields(dossier.subject, 'dossier.subject', read, denied))),

    section('Dossier en beschikking', 'ENTITLEMENT', read, 'entitlement',
      h('dl', { class: 'fields' },
        fieldRow('Soort', 'type', dossier.type, 'dossier.type', true, denied, (v) => DOSSIER_TYPE_NL[v] ?? v),
        fieldRow('Status', 'status', dossier.status, 'dossier.status', true, denied, (v) => STATUS_NL[v] ?? v),
        fieldRow('Geopend op', 'openedOn', dossier.openedOn, 'dossier.openedOn', true, denied, formatDate)),
      h('ul', { class: 'plain' }, nodes(dossier.entitlements).map((e) => h('li', { 'data-testid': 'entitlement' },
        `${e.product ?? 'Beschikking'} — ${e.municipality ?? ''}`, e.validFrom ? ` (vanaf ${formatDate(e.validFrom)}${e.validUntil ? ` tot ${formatDate(e.validUntil)}` : ''})` : '')))),

    section('Gezin', 'FAMILY', read, 'family',
      family.length ? h('div', { class: 'family' }, family.map((m, i) => {
        const base = `dossier.family.edges.${i}.node`;
        const p = m.person ?? {};
        const title = p.firstName ? `${p.firstName} ${p.lastName ?? ''}`.trim() : 'Gezinslid';
        return h('article', { class: 'member', 'data-person': p.id ?? '', 'data-testid': 'family-member' },
          h('h4', {}, title),
          h('dl', { class: 'fields' },
            fieldRow('Relatie', 'relation', m.relation, `${base}.relation`, true, denied, (v) => RELATION_NL[v] ?? v),
            fieldRow('Gezag', 'hasCustody', m.hasCustody, `${base}.hasCustody`, true, denied, (v) => (v ? 'ja' : 'nee'))),
          m.person === null && denied.has(`${base}.person`) ? h('p', { class: 'badge' }, 'Afgeschermd') : personFields(p, `${base}.person`, read, denied));
      })) : h('p', { class: 'muted' }, 'Geen gezinsleden geregistreerd.')),

    section('Ondersteuningsplan', 'CARE', read, 'plan',
      h('h4', {}, 'Doelen'),
      goals.length ? h('ul', { class: 'plain' }, goals.map((g) => h('li', { 'data-testid': 'goal' }, g.text ?? 'Afgeschermd', g.status ? h('span', { class: 'tag' }, GOAL_STATUS_NL[g.status] ?? g.status) : null)))
        : h('p', { class: 'muted' }, 'Geen doelen.'),
      h('h4', {}, 'Evaluaties'),
      evaluations.length ? h('ul', { class: 'plain' }, evaluations.map((e) => h('li', { 'data-testid': 'evaluation' }, h('time', {}, formatDate(e.evaluatedOn)), ' — ', e.text ?? 'Afgeschermd')))
        : h('p', { class: 'muted' }, 'Geen evaluaties.')),

    section('Verslagen', 'CARE', read, 'entries',
      entries.length ? h('ol', { class: 'entries' }, entries.map((e) => h('li', { 'data-testid': 'entry', 'data-entry-id': e.id },
        h('div', { class: 'entry-head' }, h('time', {}, formatDate(e.occurredOn)), ' · ', ENTRY_KIND_NL[e.kind] ?? e.kind ?? '', e.author?.displayName ? ` · ${e.author.displayName}` : ''),
        h('p', {}, e.text ?? 'Afgeschermd'))))
        : h('p', { class: 'muted' }, 'Geen verslagen die u kunt inzien.'),
      dossier.entries?.pageInfo?.hasNextPage ? h('p', { class: 'muted' }, 'Alleen de 50 nieuwste verslagen worden getoond.') : null),

    section('Wie heeft mijn dossier ingezien?', 'ACCESS_LOG', read, 'access-log',
      h('p', { class: 'muted' }, 'Elke inzage in uw dossier wordt vastgelegd (NEN 7513): wanneer, welke organisatie, in welke rol, welke gegevens en op welke grond. Ook uw eigen inzage staat hier.'),
      h('table', { class: 'log' },
        h('thead', {}, h('tr', {}, ['Wanneer', 'Organisatie', 'Wie', 'Wat', 'Gegevens', 'Grond', 'Samenvatting'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', { id: 'log-rows', 'data-testid': 'log-rows' })),
      h('button', { type: 'button', id: 'log-more', 'data-testid': 'log-more', hidden: true, onclick: () => loadAccessLog(d.id, state.log?.endCursor ?? null) }, 'Meer laden')),
  );
  root.hidden = false;
}

async function loadAccessLog(id, after) {
  const generation = state.generation;
  const more = $('log-more');
  if (more) more.disabled = true;
  try {
    const { data, errors } = await gql(ACCESS_LOG, { id, first: LOG_PAGE_SIZE, after });
    if (generation !== state.generation || state.selected !== id) return;
    const conn = data.dossier?.accessLog;
    const tbody = $('log-rows');
    if (!conn) {
      tbody.replaceChildren(h('tr', {}, h('td', { colspan: 7, class: 'badge' }, forbiddenPaths(errors).size ? 'Afgeschermd' : 'Niet beschikbaar')));
      return;
    }
    if (!after) tbody.replaceChildren();
    for (const e of nodes(conn)) {
      tbody.append(h('tr', { 'data-testid': 'log-row', 'data-role': e.actorRole ?? '', 'data-action': e.action ?? '', class: e.emergency ? 'emergency' : undefined },
        h('td', {}, h('time', { datetime: e.occurredAt }, formatTime(e.occurredAt))),
        h('td', {}, e.organisation ?? '—'),
        h('td', {}, ROLE_NL[e.actorRole] ?? e.actorRole ?? '—', e.relationship ? h('div', { class: 'muted' }, RELATIONSHIP_NL[e.relationship] ?? e.relationship) : null),
        h('td', {}, ACTION_NL[e.action] ?? e.action ?? '—', e.emergency ? h('div', { class: 'tag warn' }, 'spoed') : null),
        h('td', {}, (e.categories ?? []).map((c) => CATEGORY_NL[c] ?? c).join(', ') || '—'),
        h('td', {}, BASIS_NL[e.legalBasis] ?? e.legalBasis ?? '—'),
        h('td', {}, e.summary ?? '')));
    }
    if (!tbody.children.length) tbody.append(h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'Nog geen inzage vastgelegd.')));
    state.log = { endCursor: conn.pageInfo.endCursor };
    more.hidden = !conn.pageInfo.hasNextPage;
  } catch (err) {
    setStatus(err instanceof PortalError ? err.message : 'Het inzageoverzicht kon niet worden geladen.', 'error');
  } finally {
    if (more) more.disabled = false;
  }
}

// ---- start ----

function start() {
  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('token-input').value.trim();
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) {
      setStatus('Dit lijkt geen token (JWT) te zijn.', 'error');
      return;
    }
    void signIn(token, 'eigen token');
  });
  $('sign-out').addEventListener('click', signOut);
  void loadDemoUsers();
}

start();
