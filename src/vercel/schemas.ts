import { z } from 'zod';

// Vercel adds fields and enum values often: every schema here requires only what the action reads,
// keeps unknown fields (looseObject), and takes states as plain strings.

/** States in which a deployment's build has ended; cancelling one is refused with a 400. */
export const FINISHED_STATES: ReadonlySet<string> = new Set(['READY', 'ERROR', 'CANCELED', 'DELETED']);

/** The states Vercel can cancel, as the list endpoint's `state` filter takes them. */
export const IN_PROGRESS_STATES = ['QUEUED', 'INITIALIZING', 'BUILDING'] as const;

/** A field whose shape the action does not depend on: a value of another type reads as absent. */
const tolerant = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

export const GitSourceSchema = z.looseObject({
  type: tolerant(z.string()),
  ref: tolerant(z.string().nullable()),
  sha: tolerant(z.string()),
  repoId: tolerant(z.union([z.string(), z.number()])),
  org: tolerant(z.string()),
  repo: tolerant(z.string()),
  prId: tolerant(z.number().nullable()),
});

/** GET /v13/deployments/{id} and PATCH /v12/deployments/{id}/cancel both return this object. */
export const DeploymentSchema = z.looseObject({
  id: z.string(),
  readyState: z.string(),
  url: tolerant(z.string().nullable()),
  inspectorUrl: tolerant(z.string().nullable()),
  canceledAt: tolerant(z.number().nullable()),
  createdAt: tolerant(z.number()),
  target: tolerant(z.string().nullable()),
  projectId: tolerant(z.string()),
  meta: tolerant(z.record(z.string(), z.unknown())),
  gitSource: tolerant(GitSourceSchema.nullable()),
});
export type Deployment = z.infer<typeof DeploymentSchema>;

/** An item of GET /v6/deployments: `uid` instead of `id`, no `gitSource`. */
export const ListedDeploymentSchema = z.looseObject({
  uid: z.string(),
  readyState: z.string(),
  createdAt: z.number(),
  url: tolerant(z.string().nullable()),
  inspectorUrl: tolerant(z.string().nullable()),
  target: tolerant(z.string().nullable()),
  projectId: tolerant(z.string()),
  meta: tolerant(z.record(z.string(), z.unknown())),
});
export type ListedDeployment = z.infer<typeof ListedDeploymentSchema>;

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
  z.looseObject({ error: ErrorDetailSchema }).transform((b) => b.error),
  z.looseObject({ err: ErrorDetailSchema }).transform((b) => b.err),
]);
export type ErrorDetail = z.infer<typeof ErrorDetailSchema>;
