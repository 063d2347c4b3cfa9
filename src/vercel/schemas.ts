// zod/mini: the same zod, as functions a bundler can shake (issue 11, item 5): every run, by id too,
// parses a Vercel answer, so these schemas are on the start-up path.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini sets no language for its messages ("Invalid input" alone); a field Vercel left out must
// still say "expected string, received undefined", as full zod did (the e2e tests pin that line).
z.config(en());

// Vercel adds fields and enum values often: every schema here requires only what the action reads,
// keeps unknown fields (looseObject), and takes states as plain strings.

/** States in which a deployment's build has ended; cancelling one is refused with a 400. */
export const FINISHED_STATES: ReadonlySet<string> = new Set(['READY', 'ERROR', 'CANCELED', 'DELETED']);

/**
 * The states Vercel can cancel, as the list endpoint's `state` filter takes them: a build under way.
 * The same three as Vercel's CLI (`deploymentInProgressStates`, vercel/vercel
 * packages/cli/src/util/deploy/is-deploying.ts). BLOCKED is deliberately not here: see BLOCKED_STATES.
 */
export const IN_PROGRESS_STATES = ['QUEUED', 'INITIALIZING', 'BUILDING'] as const;

/**
 * Held back by Vercel, not building: never canceled by this action, in either mode (README, "What it
 * does, exactly"). Vercel documents BLOCKED only as a value (the list's `state` filter and readyState
 * enum, the cancel answer's readyState enum: vercel/sdk src/models/getdeploymentsop.ts,
 * canceldeploymentservicesdeploymentsarchitecture.ts) and its cancel endpoint as stopping "a deployment
 * that is currently in progress, stopping the build before it completes" (deploymentsCancelDeployment.ts).
 * Vercel's CLI never counts BLOCKED as in progress (is-deploying.ts: QUEUED, BUILDING, INITIALIZING;
 * `vercel inspect --wait` stops waiting on it) and has no code path that cancels anything; a blocked
 * deployment's builds can be READY already (vercel/vercel issue #16379). Whether Vercel would accept
 * the cancel is UNCONFIRMED.
 */
export const BLOCKED_STATES: ReadonlySet<string> = new Set(['BLOCKED']);

/** A field whose shape the action does not depend on: a value of another type reads as absent. */
const tolerant = <T extends z.ZodMiniType>(schema: T) => z.catch(z.optional(schema), undefined);

/**
 * The fields of vercel/sdk's gitSource variants (`CancelDeploymentGitSource1..9`, `GitSource10..19` in
 * `src/models/canceldeploymentresourceconfig.ts`) that name a commit and its repository: `repoId` or
 * `org`+`repo` (github, github-limited, github-custom-host with its `host`), `projectId` (gitlab),
 * `repoUuid` or `owner`+`slug` (bitbucket), `repoId`+`owner`+`repo` (cursor-origin).
 */
export const GitSourceSchema = z.looseObject({
  type: tolerant(z.string()),
  ref: tolerant(z.nullable(z.string())),
  sha: tolerant(z.string()),
  repoId: tolerant(z.union([z.string(), z.number()])),
  org: tolerant(z.string()),
  repo: tolerant(z.string()),
  host: tolerant(z.string()),
  projectId: tolerant(z.union([z.string(), z.number()])),
  repoUuid: tolerant(z.string()),
  owner: tolerant(z.string()),
  slug: tolerant(z.string()),
  prId: tolerant(z.nullable(z.number())),
});

/**
 * A custom environment (staging, qa, ...): Vercel names it here, with `target` null; `target` is only
 * production, staging or null (vercel/sdk `CancelDeploymentCustomEnvironment`, list item
 * `GetDeploymentsCustomEnvironment` {id, slug?}; `vercel list` shows `customEnvironment?.slug`,
 * vercel/vercel packages/cli/src/commands/list/index.ts).
 */
const CustomEnvironmentSchema = z.looseObject({ id: z.string(), slug: tolerant(z.string()) });

/** GET /v13/deployments/{id} and PATCH /v12/deployments/{id}/cancel both return this object. */
export const DeploymentSchema = z.looseObject({
  id: z.string(),
  readyState: z.string(),
  url: tolerant(z.nullable(z.string())),
  inspectorUrl: tolerant(z.nullable(z.string())),
  canceledAt: tolerant(z.nullable(z.number())),
  createdAt: tolerant(z.number()),
  target: tolerant(z.nullable(z.string())),
  projectId: tolerant(z.string()),
  /** How it was made: `git`, `cli`, `import`, ... (vercel/sdk `GetDeploymentsSource`). */
  source: tolerant(z.string()),
  meta: tolerant(z.record(z.string(), z.unknown())),
  gitSource: tolerant(z.nullable(GitSourceSchema)),
  customEnvironment: tolerant(z.nullable(CustomEnvironmentSchema)),
});
export type Deployment = z.infer<typeof DeploymentSchema>;

/** An item of GET /v6/deployments: `uid` instead of `id`, no `gitSource`. */
export const ListedDeploymentSchema = z.looseObject({
  uid: z.string(),
  readyState: z.string(),
  createdAt: z.number(),
  url: tolerant(z.nullable(z.string())),
  inspectorUrl: tolerant(z.nullable(z.string())),
  target: tolerant(z.nullable(z.string())),
  projectId: tolerant(z.string()),
  source: tolerant(z.string()),
  meta: tolerant(z.record(z.string(), z.unknown())),
  customEnvironment: tolerant(z.nullable(CustomEnvironmentSchema)),
});
export type ListedDeployment = z.infer<typeof ListedDeploymentSchema>;

/** The custom environment a deployment belongs to, by slug (its id when Vercel gives no slug), or undefined. */
export const customEnvironmentOf = (d: Pick<Deployment, 'customEnvironment'>): string | undefined =>
  d.customEnvironment ? (d.customEnvironment.slug ?? d.customEnvironment.id) : undefined;

/** GET /v9/projects/{idOrName}: only that it exists matters. */
export const ProjectSchema = z.looseObject({ id: z.string(), name: tolerant(z.string()) });
export type Project = z.infer<typeof ProjectSchema>;

export const DeploymentListSchema = z.looseObject({
  deployments: z.array(ListedDeploymentSchema),
  // Not `tolerant`: a `next` of an unexpected type must not read as "last page" (see client.nextPageOf).
  pagination: z.looseObject({ next: z.unknown() }),
});

/** `{"error":{code,message}}`; some endpoints wrongly answer with `err` (as Vercel's CLI notes). */
const ErrorDetailSchema = z.looseObject({
  code: tolerant(z.string()),
  message: tolerant(z.string()),
  invalidToken: tolerant(z.boolean()),
  missingToken: tolerant(z.boolean()),
});
export const ErrorBodySchema = z.union([
  z.pipe(
    z.looseObject({ error: ErrorDetailSchema }),
    z.transform((b: { error: ErrorDetail }) => b.error),
  ),
  z.pipe(
    z.looseObject({ err: ErrorDetailSchema }),
    z.transform((b: { err: ErrorDetail }) => b.err),
  ),
]);
export type ErrorDetail = z.infer<typeof ErrorDetailSchema>;
