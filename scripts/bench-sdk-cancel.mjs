// The @vercel/sdk baseline of npm run bench: what a user's script with the official SDK does,
// cancelDeployment for each id in turn (the SDK's defaults: no retries).
import { Vercel } from '@vercel/sdk';

const vercel = new Vercel({ bearerToken: process.env.VERCEL_TOKEN, serverURL: process.env.VERCEL_API });
for (const id of process.env.DEPLOYMENT_IDS.split(',')) {
  await vercel.deployments.cancelDeployment({ id });
}
