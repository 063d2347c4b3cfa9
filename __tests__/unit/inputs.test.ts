import { describe, expect, it } from '@jest/globals';
import { InputError, parseInputs, type RawInputs } from '../../src/inputs.js';

const TOKEN = 'vcp_Tok3n_abc123';

/** parseInputs with a valid token plus the given inputs. */
function parse(extra: RawInputs = {}) {
  return parseInputs({ token: TOKEN, ...extra });
}

/** The InputError that parseInputs(raw) throws; fails the test if it returns or throws anything else. */
function errorOf(raw: RawInputs): InputError {
  let thrown: unknown;
  try {
    parseInputs(raw);
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) throw new Error(`expected parseInputs(${JSON.stringify(raw)}) to throw`);
  expect(thrown).toBeInstanceOf(InputError);
  return thrown as InputError;
}

/**
 * Assert parseInputs(raw) throws an InputError for input `name`, whose message is one printable line
 * (no raw control characters) and contains every fragment. Returns the message for further checks.
 */
function expectInputError(raw: RawInputs, name: string, ...fragments: string[]): string {
  const err = errorOf(raw);
  expect(err.name).toBe('InputError');
  const prefix = `Input '${name}' `;
  expect(err.message.slice(0, prefix.length)).toBe(prefix);
  // eslint-disable-next-line no-control-regex -- asserts that no control character reaches the message
  expect(err.message).not.toMatch(/[\x00-\x1f]/);
  for (const fragment of fragments) expect(err.message).toContain(fragment);
  return err.message;
}

/** Same, with a valid token added. */
function expectError(extra: RawInputs, name: string, ...fragments: string[]): string {
  return expectInputError({ token: TOKEN, ...extra }, name, ...fragments);
}

describe('parseInputs: defaults', () => {
  it('fills every default when only the token is given', () => {
    expect(parseInputs({ token: TOKEN })).toEqual({
      token: TOKEN,
      deployments: [],
      scope: {},
      projectId: undefined,
      sha: undefined,
      branch: undefined,
      target: 'all',
      githubToken: undefined,
      dryRun: false,
      apiUrl: 'https://api.vercel.com',
      retries: 3,
      requestTimeoutMs: 30_000,
      timeBudgetMs: 300_000,
      failOnError: true,
    });
  });

  it('treats empty and whitespace-only optional inputs as absent (as the runner passes unset inputs as "")', () => {
    expect(
      parseInputs({
        token: TOKEN,
        'team-id': '  ',
        'team-slug': '',
        'project-id': ' \n',
        sha: '',
        branch: '\t',
        target: '',
        'github-token': '   ',
        'dry-run': '',
        'api-url': ' ',
      }),
    ).toEqual(parseInputs({ token: TOKEN }));
  });

  it('InputError is an Error named InputError', () => {
    const err = new InputError('x');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('InputError');
    expect(err.message).toBe('x');
  });
});

describe('token', () => {
  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['spaces', '   '],
    ['newlines and tabs', '\n\t \n'],
  ])('is required: %s → error mentioning secrets and forks', (_label, token) => {
    const message = expectInputError({ token }, 'token', 'is empty', 'secrets.VERCEL_TOKEN', 'secret', 'fork');
    expect(message).toMatch(/secret is not set/);
  });

  it.each([
    ['a space inside', 'vcp_SECRETabc def123'],
    ['a newline inside', 'vcp_SECRETabc\ndef123'],
    ['a CRLF inside', 'vcp_SECRETabc\r\ndef123'],
    ['a tab inside', 'vcp_SECRETabc\tdef123'],
    ['a NUL inside', 'vcp_SECRETabc\u0000def123'],
    ['a BEL inside', 'vcp_SECRETabc\u0007def123'],
    ['a DEL inside', 'vcp_SECRETabc\u007fdef123'],
    ['a non-ASCII character', 'vcp_SECRETabcé def123'],
    ['a non-breaking space inside', 'vcp_SECRETabc\u00a0def123'],
  ])('with %s is rejected without echoing the token', (_label, token) => {
    const message = expectInputError({ token }, 'token', 'HTTP header', 'https://vercel.com/account/tokens');
    expect(message).not.toContain('SECRET');
    expect(message).not.toContain('abc');
    expect(message).not.toContain('def123');
  });

  it('is rejected before other bad inputs are reported, and without echoing it', () => {
    const message = expectInputError({ token: 'vcp_SECRET x', target: 'staging!' }, 'token');
    expect(message).not.toContain('SECRET');
  });

  it.each([
    ['plain', TOKEN, TOKEN],
    ['surrounding whitespace trimmed', `  ${TOKEN}\n`, TOKEN],
    ['trailing CRLF trimmed', `${TOKEN}\r\n`, TOKEN],
    ['all printable ASCII punctuation kept', 'a!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~z', 'a!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~z'],
  ])('is kept: %s', (_label, token, expected) => {
    expect(parseInputs({ token }).token).toBe(expected);
  });
});

describe('deployment-id', () => {
  it('absent → superseded mode, deployments: []', () => {
    expect(parse({ 'deployment-id': undefined }).deployments).toEqual([]);
  });

  // The runner sets every declared input, '' when the step does not give it: empty means superseded mode.
  it.each(['', '   ', '\n', ' \t\n'])('empty or whitespace (%j) → superseded mode (no deployments)', (value) => {
    expect(parse({ 'deployment-id': value }).deployments).toEqual([]);
  });

  it('separators and nothing else → an error naming the input', () => {
    expectError({ 'deployment-id': ' , ,\n' }, 'deployment-id', 'names no deployment, only separators', 'leave it empty');
  });

  it('accepts a single id', () => {
    expect(parse({ 'deployment-id': 'dpl_abc123XYZ' }).deployments).toEqual([{ kind: 'id', id: 'dpl_abc123XYZ' }]);
  });

  it('trims a single id', () => {
    expect(parse({ 'deployment-id': '  dpl_abc\n' }).deployments).toEqual([{ kind: 'id', id: 'dpl_abc' }]);
  });

  it.each([
    ['commas', 'dpl_a,dpl_b,dpl_c'],
    ['commas and spaces', 'dpl_a, dpl_b , dpl_c'],
    ['spaces', 'dpl_a dpl_b   dpl_c'],
    ['newlines', 'dpl_a\ndpl_b\ndpl_c\n'],
    ['CRLF', 'dpl_a\r\ndpl_b\r\ndpl_c'],
    ['tabs', 'dpl_a\tdpl_b\tdpl_c'],
    ['mixed', 'dpl_a, dpl_b\n dpl_c'],
    ['YAML block list with trailing commas', 'dpl_a,\n  dpl_b,\n  dpl_c,\n'],
  ])('splits several ids separated by %s', (_label, value) => {
    expect(parse({ 'deployment-id': value }).deployments).toEqual([
      { kind: 'id', id: 'dpl_a' },
      { kind: 'id', id: 'dpl_b' },
      { kind: 'id', id: 'dpl_c' },
    ]);
  });

  it('de-duplicates, keeping first-seen order', () => {
    expect(parse({ 'deployment-id': 'dpl_b, dpl_a, dpl_b, dpl_c, dpl_a' }).deployments).toEqual([
      { kind: 'id', id: 'dpl_b' },
      { kind: 'id', id: 'dpl_a' },
      { kind: 'id', id: 'dpl_c' },
    ]);
  });

  it('ids are case-sensitive: dpl_A and dpl_a are two deployments', () => {
    expect(parse({ 'deployment-id': 'dpl_A dpl_a' }).deployments).toEqual([
      { kind: 'id', id: 'dpl_A' },
      { kind: 'id', id: 'dpl_a' },
    ]);
  });

  it('de-duplicates hostnames case-insensitively and across URL / bare forms', () => {
    expect(
      parse({
        'deployment-id': 'my-app-abc.vercel.app MY-APP-ABC.vercel.app https://my-app-abc.vercel.app/x dpl_a other.vercel.app',
      }).deployments,
    ).toEqual([
      { kind: 'host', host: 'my-app-abc.vercel.app' },
      { kind: 'id', id: 'dpl_a' },
      { kind: 'host', host: 'other.vercel.app' },
    ]);
  });

  it('de-duplicates an inspector URL against the same dpl_ id', () => {
    expect(parse({ 'deployment-id': 'dpl_AbC123xyZ456pqR789 https://vercel.com/acme/web/AbC123xyZ456pqR789' }).deployments).toEqual([
      { kind: 'id', id: 'dpl_AbC123xyZ456pqR789' },
    ]);
  });

  it.each([
    ['bare hostname', 'my-app-abc.vercel.app', 'my-app-abc.vercel.app'],
    ['uppercase bare hostname → lowercased', 'My-App-ABC.Vercel.App', 'my-app-abc.vercel.app'],
    ['https URL with a path', 'https://my-app-abc.vercel.app/some/path', 'my-app-abc.vercel.app'],
    ['https URL with trailing slash', 'https://my-app-abc.vercel.app/', 'my-app-abc.vercel.app'],
    ['https URL, uppercase', 'HTTPS://MY-APP-ABC.VERCEL.APP/', 'my-app-abc.vercel.app'],
    ['https URL with query and fragment', 'https://my-app-abc.vercel.app/p?q=1#h', 'my-app-abc.vercel.app'],
    ['http URL', 'http://my-app-abc.vercel.app', 'my-app-abc.vercel.app'],
    ['scheme-less hostname with a path', 'my-app-abc.vercel.app/some/path', 'my-app-abc.vercel.app'],
    ['custom domain', 'preview.example.co.uk', 'preview.example.co.uk'],
  ])('accepts a %s', (_label, value, host) => {
    expect(parse({ 'deployment-id': value }).deployments).toEqual([{ kind: 'host', host }]);
  });

  it.each([
    ['inspector URL', 'https://vercel.com/acme/web/AbC123xyZ456pqR789', 'dpl_AbC123xyZ456pqR789'],
    ['inspector URL with trailing slash', 'https://vercel.com/acme/web/AbC123xyZ456pqR789/', 'dpl_AbC123xyZ456pqR789'],
    ['inspector URL on www.vercel.com', 'https://www.vercel.com/acme/web/AbC123xyZ456pqR789', 'dpl_AbC123xyZ456pqR789'],
    ['inspector URL without scheme', 'vercel.com/acme/web/AbC123xyZ456pqR789', 'dpl_AbC123xyZ456pqR789'],
    ['inspector URL with a query string', 'https://vercel.com/acme/web/AbC123xyZ456pqR789?tab=logs', 'dpl_AbC123xyZ456pqR789'],
  ])('maps an %s to its id', (_label, value, id) => {
    expect(parse({ 'deployment-id': value }).deployments).toEqual([{ kind: 'id', id }]);
  });

  it.each([
    ['path traversal after dpl_', 'dpl_x/../v1'],
    ['dpl_ alone', 'dpl_'],
    ['a hyphen', 'dpl_a-b'],
    ['percent-encoding', 'dpl_a%2F'],
    ['an underscore after dpl_', 'dpl_a_b'],
    ['a query string', 'dpl_a?x=1'],
  ])('rejects an id with %s', (_label, value) => {
    expectError(
      { 'deployment-id': value },
      'deployment-id',
      'invalid deployment id',
      JSON.stringify(value),
      'dpl_ followed by letters and digits',
    );
  });

  it.each([
    ['NUL', 'dpl_a\u0000b', '\\u0000'],
    ['BEL', 'dpl_a\u0007', '\\u0007'],
    ['ESC', 'dpl_a\u001b[31m', '\\u001b'],
    ['backspace in a hostname', 'my-app\u0008.vercel.app', '\\b'],
  ])('rejects a value with a control character (%s) and quotes it escaped', (_label, value, escaped) => {
    const message = expectError({ 'deployment-id': value }, 'deployment-id', 'control character', escaped);
    expect(message).not.toContain(value);
  });

  it('quotes a rejected value safely: a NUL appears as \\u0000, never raw', () => {
    const message = expectError({ 'deployment-id': 'dpl_a\u0000b' }, 'deployment-id');
    expect(message).toContain('"dpl_a\\u0000b"');
    expect(message).not.toContain('\u0000');
  });

  it('quotes a rejected value with quotes and backslashes JSON-escaped', () => {
    const message = expectError({ 'deployment-id': 'a"b\\c' }, 'deployment-id');
    expect(message).toContain('"a\\"b\\\\c"');
  });

  it('cuts a very long rejected value in the message', () => {
    const value = `dpl_${'x'.repeat(200)}-`;
    const message = expectError({ 'deployment-id': value }, 'deployment-id', 'invalid deployment id');
    expect(message).not.toContain(value);
    expect(message).toContain(`"dpl_${'x'.repeat(73)}..."`);
  });

  it('reports the first bad value in a list', () => {
    expectError({ 'deployment-id': 'dpl_ok, dpl_bad-1, dpl_bad-2' }, 'deployment-id', '"dpl_bad-1"');
  });

  it.each([
    ['an ftp URL', 'ftp://x.vercel.app', 'only http(s) URLs'],
    ['a vercel.com page that is not an inspector page', 'https://vercel.com/pricing', "not a deployment's inspector page"],
    ['the vercel.com home page', 'https://vercel.com/', "not a deployment's inspector page"],
    [
      'an inspector-like URL with an extra segment',
      'https://vercel.com/acme/web/AbC123xyZ456pqR789/logs',
      "not a deployment's inspector page",
    ],
    ['localhost (no dot: not a deployment hostname)', 'localhost', 'neither a deployment id nor a hostname'],
    ['a relative traversal path', 'foo/../v1', 'not a deployment hostname'],
    ['..', '..', 'neither a deployment id nor a hostname'],
    ['a single label', 'dpl', 'neither a deployment id nor a hostname'],
    ['a hostname with an underscore', 'my_app.vercel.app', 'neither a deployment id nor a hostname'],
    ['a hostname with a leading hyphen', '-app.vercel.app', 'neither a deployment id nor a hostname'],
    ['a hostname with a port and no scheme', 'my-app.vercel.app:443', 'neither a deployment id nor a hostname'],
    ['a URL whose host is localhost', 'http://localhost/x', 'not a deployment hostname'],
    ['a URL whose host has an underscore', 'https://my_app.vercel.app/x', 'not a deployment hostname'],
    ['an invalid URL', 'https://[bad/x', 'not a valid URL'],
    ['an absolute path', '/v1/deployments', 'not a deployment hostname'],
  ])('rejects %s', (_label, value, why) => {
    expectError({ 'deployment-id': value }, 'deployment-id', why, 'dpl_ followed by letters and digits');
  });

  it('rejects a URL with credentials without echoing them', () => {
    const message = expectError({ 'deployment-id': 'https://user:pw@x.vercel.app' }, 'deployment-id', 'credentials');
    expect(message).not.toContain('pw');
    expect(message).not.toContain('user');
  });

  it('rejects a URL with only a username, without echoing it', () => {
    const message = expectError({ 'deployment-id': 'https://s3cr3t@x.vercel.app' }, 'deployment-id', 'credentials');
    expect(message).not.toContain('s3cr3t');
  });

  // Found by review: short segments like these are pages, not deployment ids; pasting the project's
  // deployments list or settings page yields a bogus id (dpl_deployments, dpl_settings, dpl_members).
  it.each(['https://vercel.com/acme/web/deployments', 'https://vercel.com/acme/web/settings', 'https://vercel.com/acme/settings/members'])(
    'rejects a vercel.com project/team page that is not a deployment: %s',
    (value) => {
      expectError({ 'deployment-id': value }, 'deployment-id', 'inspector page');
    },
  );

  // Found by review: show() used JSON.stringify, which leaves DEL (U+007F) and C1 controls (e.g. U+0085 NEL)
  // raw, though its doc says control characters are escaped.
  it.each([
    ['DEL', 'dpl_a\u007f'],
    ['NEL (C1)', 'dpl_a\u0085'],
  ])('escapes a %s character when quoting a rejected value', (_label, value) => {
    const message = expectError({ 'deployment-id': value }, 'deployment-id');
    expect(message).not.toMatch(/[\x7f-\x9f]/);
  });
});

describe('team-id / team-slug', () => {
  it.each([
    ['team-id', { 'team-id': 'team_abc123XYZ' }, { teamId: 'team_abc123XYZ' }],
    ['team-id, trimmed', { 'team-id': '  team_abc\n' }, { teamId: 'team_abc' }],
    ['team-slug', { 'team-slug': 'acme' }, { slug: 'acme' }],
    ['team-slug with - _ .', { 'team-slug': 'Acme-Corp_2.0' }, { slug: 'Acme-Corp_2.0' }],
    ['team-slug, trimmed', { 'team-slug': ' acme ' }, { slug: 'acme' }],
    ['neither', {}, {}],
    ['both empty', { 'team-id': '', 'team-slug': ' ' }, {}],
    ['team-id with an empty team-slug', { 'team-id': 'team_a', 'team-slug': '' }, { teamId: 'team_a' }],
    ['team-slug with an empty team-id', { 'team-id': ' ', 'team-slug': 'acme' }, { slug: 'acme' }],
  ] as const)('%s', (_label, extra, scope) => {
    expect(parse(extra).scope).toEqual(scope);
  });

  it('rejects both together, naming team-slug', () => {
    expectError({ 'team-id': 'team_abc', 'team-slug': 'acme' }, 'team-slug', 'cannot be set together with team-id');
  });

  it.each(['acme', 'my-team', 'team-acme', 'Acme.Corp'])('a team-id that looks like a slug (%s) suggests team-slug', (value) => {
    expectError({ 'team-id': value }, 'team-id', 'team_ followed by letters and digits', JSON.stringify(value), 'pass it as team-slug');
  });

  it.each(['team_', 'team_a-b', 'team_a b', 'team_a/../x', 'team_a%2F', 'https://vercel.com/teams/acme'])(
    'rejects a team-id with invalid characters: %j',
    (value) => {
      const message = expectError({ 'team-id': value }, 'team-id', 'team_ followed by letters and digits');
      // Only slug-shaped values get the team-slug hint.
      if (/[^A-Za-z0-9._-]/.test(value)) expect(message).toContain('Team ID');
    },
  );

  it.each(['-acme', '.acme', 'acme corp', 'acme/x', '../x', 'acme%2F', 'a'.repeat(101), 'acmé'])(
    'rejects an invalid team-slug: %j',
    (value) => {
      expectError({ 'team-slug': value }, 'team-slug', 'must be a team slug', 'vercel.com/<slug>');
    },
  );

  it('accepts a 100-character team-slug', () => {
    const slug = `a${'b'.repeat(99)}`;
    expect(parse({ 'team-slug': slug }).scope).toEqual({ slug });
  });
});

describe('project-id', () => {
  it.each([
    ['prj_abc123', 'prj_abc123'],
    ['my-web.app_2', 'my-web.app_2'],
    ['  prj_abc  ', 'prj_abc'],
  ])('accepts %j → %j', (value, expected) => {
    expect(parse({ 'project-id': value }).projectId).toBe(expected);
  });

  it('is undefined when absent', () => {
    expect(parse().projectId).toBeUndefined();
  });

  it.each(['my project', 'prj/../x', '-prj', 'prj?x=1', 'prj%2F', 'a'.repeat(101)])('rejects %j', (value) => {
    expectError({ 'project-id': value }, 'project-id', 'must be a project id (prj_');
  });
});

describe('sha', () => {
  const sha40 = '0123456789abcdef0123456789abcdef01234567';
  const sha64 = '0123456789abcdef'.repeat(4);

  it.each([
    ['40 hex, lowercase', sha40, sha40],
    ['40 hex, uppercase → lowercased', sha40.toUpperCase(), sha40],
    ['40 hex, mixed case → lowercased', 'ABCDEF0123456789abcdef0123456789ABCDEF01', 'abcdef0123456789abcdef0123456789abcdef01'],
    ['64 hex (SHA-256 repository)', sha64, sha64],
    ['64 hex, uppercase → lowercased', sha64.toUpperCase(), sha64],
    ['trimmed', `  ${sha40}\n`, sha40],
  ])('accepts %s', (_label, value, expected) => {
    expect(parse({ sha: value }).sha).toBe(expected);
  });

  it('is undefined when absent', () => {
    expect(parse().sha).toBeUndefined();
  });

  it.each([
    ['a short sha', 'abc1234'],
    ['39 hex', sha40.slice(1)],
    ['41 hex', `${sha40}0`],
    ['50 hex', `${sha40}0123456789`],
    ['65 hex', `${sha64}0`],
    ['a non-hex character', `${sha40.slice(1)}g`],
    ['a ref name', 'HEAD'],
  ])('rejects %s', (_label, value) => {
    expectError({ sha: value }, 'sha', 'must be a full commit SHA', JSON.stringify(value));
  });
});

describe('branch', () => {
  it.each([
    ['main', 'main'],
    ['feat/x', 'feat/x'],
    ['refs/heads/feat/x', 'feat/x'],
    ['refs/heads/main', 'main'],
    ['  refs/heads/release-1.2  ', 'release-1.2'],
    ['dependabot/npm_and_yarn/zod-4.0.0', 'dependabot/npm_and_yarn/zod-4.0.0'],
    ['fix.#12@v2', 'fix.#12@v2'],
  ])('accepts %j → %j', (value, expected) => {
    expect(parse({ branch: value }).branch).toBe(expected);
  });

  it('strips refs/heads/ only once, at the start', () => {
    expect(parse({ branch: 'refs/heads/refs/heads/x' }).branch).toBe('refs/heads/x');
    expect(parse({ branch: 'x/refs/heads/y' }).branch).toBe('x/refs/heads/y');
  });

  it('is undefined when absent', () => {
    expect(parse().branch).toBeUndefined();
  });

  it.each([
    ['a..b', 'a..b'],
    ['a b', 'a b'],
    ['a~1', 'a~1'],
    ['a^', 'a^'],
    ['a:b', 'a:b'],
    ['a?', 'a?'],
    ['a*', 'a*'],
    ['a[b', 'a[b'],
    ['a\\b', 'a\\b'],
    ['a\tb', 'a\tb'],
    ['a\u0000b', 'a\u0000b'],
    ['a\u007fb', 'a\u007fb'],
    ['refs/heads/ alone', 'refs/heads/'],
    ['refs/heads/a..b', 'refs/heads/a..b'],
  ])('rejects %j', (_label, value) => {
    expectError({ branch: value }, 'branch', 'must be a branch name such as main or feature/x');
  });
});

describe('target', () => {
  it.each([
    [undefined, 'all'],
    ['', 'all'],
    ['all', 'all'],
    ['ALL', 'all'],
    ['production', 'production'],
    ['Production', 'production'],
    ['preview', 'preview'],
    ['Preview', 'preview'],
    [' preview\n', 'preview'],
  ])('%j → %j', (value, expected) => {
    expect(parse({ target: value }).target).toBe(expected);
  });

  it.each([
    ['staging', 'staging'],
    ['QA-eu-1', 'qa-eu-1'],
    [' uat\n', 'uat'],
  ])('%j → the custom environment %j', (value, slug) => {
    expect(parse({ target: value }).target).toEqual({ customEnvironment: slug });
  });

  it.each(['preview,production', 'qa env', '-qa', 'qa-', 'staging/eu', 'a'.repeat(65)])('rejects %j', (value) => {
    expectError({ target: value }, 'target', "must be production, preview, all or a custom environment's slug", JSON.stringify(value));
  });
});

describe('dry-run', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['true', true],
    ['True', true],
    ['TRUE', true],
    [' true\n', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
  ])('%j → %j', (value, expected) => {
    expect(parse({ 'dry-run': value }).dryRun).toBe(expected);
  });

  it.each(['yes', 'no', '1', '0', 'tRUE', 'on', 'y'])('rejects %j', (value) => {
    expectError({ 'dry-run': value }, 'dry-run', 'must be true or false', JSON.stringify(value));
  });
});

describe('github-token', () => {
  it('is trimmed, and undefined when empty', () => {
    expect(parse({ 'github-token': '  ghs_abc\n' }).githubToken).toBe('ghs_abc');
    expect(parse({ 'github-token': '' }).githubToken).toBeUndefined();
    expect(parse().githubToken).toBeUndefined();
  });
});

describe('api-url', () => {
  it.each([
    [undefined, 'https://api.vercel.com'],
    ['', 'https://api.vercel.com'],
    ['https://api.vercel.com', 'https://api.vercel.com'],
    ['https://api.vercel.com/', 'https://api.vercel.com'],
    ['  https://api.vercel.com/\n', 'https://api.vercel.com'],
    ['https://proxy.example.com/vercel/', 'https://proxy.example.com/vercel'],
    ['https://proxy.example.com/vercel//', 'https://proxy.example.com/vercel'],
    ['HTTPS://API.VERCEL.COM', 'https://api.vercel.com'],
    ['https://api.vercel.com:8443', 'https://api.vercel.com:8443'],
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['http://127.0.0.1:3000/', 'http://127.0.0.1:3000'],
    ['http://localhost:1', 'http://localhost:1'],
    ['http://localhost', 'http://localhost'],
    ['http://[::1]:8080', 'http://[::1]:8080'],
    ['http://127.1.2.3', 'http://127.1.2.3'],
    ['http://127.255.255.255/api', 'http://127.255.255.255/api'],
  ])('%j → %j', (value, expected) => {
    expect(parse({ 'api-url': value }).apiUrl).toBe(expected);
  });

  it.each([
    ['http://example.com', 'must use https', '"http://example.com"'],
    ['http://10.0.0.1', 'must use https', 'localhost, 127.0.0.0/8 and ::1'],
    ['http://api.vercel.com', 'must use https', 'localhost'],
    ['http://localhost.evil.com', 'must use https', 'localhost'],
    ['http://127.0.0.1.evil.com', 'must use https', 'localhost'],
    ['http://[::2]', 'must use https', 'localhost'],
    ['ftp://x', 'must be an https URL', '"ftp://x"'],
    ['file:///etc/passwd', 'must be an https URL', 'file:'],
    ['not a url', 'must be a URL such as https://api.vercel.com', '"not a url"'],
    ['api.vercel.com', 'must be a URL such as https://api.vercel.com', '"api.vercel.com"'],
    ['https://api.vercel.com/?a=1', 'must not have a query string or fragment', ''],
    ['https://api.vercel.com/#x', 'must not have a query string or fragment', ''],
  ])('rejects %j', (value, why, detail) => {
    expectError({ 'api-url': value }, 'api-url', why, detail);
  });

  it('rejects credentials without echoing them', () => {
    const message = expectError({ 'api-url': 'https://u:p4ssw0rd@api.vercel.com' }, 'api-url', 'must not contain credentials');
    expect(message).not.toContain('p4ssw0rd');
  });

  it('rejects https://u:p@api.vercel.com', () => {
    const message = expectError({ 'api-url': 'https://u:p@api.vercel.com' }, 'api-url', 'credentials');
    expect(message).not.toContain('u:p@');
  });

  // Found by review: an empty query or fragment ("?" / "#") has url.search === '' and url.hash === '', so it passes,
  // and the returned base ends in "?" or "#": every API path appended to it lands in the query/fragment.
  it.each(['https://api.vercel.com/?', 'https://api.vercel.com/#'])('rejects (or strips) the empty query/fragment of %j', (value) => {
    let apiUrl: string | undefined;
    try {
      apiUrl = parse({ 'api-url': value }).apiUrl;
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as Error).message).toMatch(/^Input 'api-url' /);
      return;
    }
    expect(apiUrl).toBe('https://api.vercel.com');
  });
});

describe('error reporting', () => {
  it('reports one input at a time, in input order', () => {
    expectInputError({ token: '', 'deployment-id': 'dpl_-', target: 'x!' }, 'token');
    expectError({ 'deployment-id': 'dpl_-', target: 'x!' }, 'deployment-id');
    expectError({ sha: 'abc', target: 'x!' }, 'sha');
  });
});

describe('reliability knobs', () => {
  it('takes retries, request-timeout, time-budget and fail-on-error', () => {
    expect(
      parseInputs({ token: TOKEN, retries: '0', 'request-timeout': '5', 'time-budget': '60', 'fail-on-error': 'false' }),
    ).toMatchObject({
      retries: 0,
      requestTimeoutMs: 5000,
      timeBudgetMs: 60_000,
      failOnError: false,
    });
  });

  it.each([
    ['retries', '-1', 'must be a whole number of retries from 0 to 10'],
    ['retries', '11', 'must be a whole number of retries from 0 to 10'],
    ['retries', '2.5', 'must be a whole number of retries from 0 to 10'],
    ['request-timeout', '0', 'must be a whole number of seconds from 1 to 300'],
    ['request-timeout', '30s', 'must be a whole number of seconds from 1 to 300'],
    ['time-budget', '5', 'must be a whole number of seconds from 10 to 3600'],
    ['fail-on-error', 'no', 'must be true or false'],
  ])('%s %j is rejected', (name, value, message) => {
    expect(() => parseInputs({ token: TOKEN, [name]: value })).toThrow(
      new InputError(`Input '${name}' ${message}, not ${JSON.stringify(value)}.`),
    );
  });
});
