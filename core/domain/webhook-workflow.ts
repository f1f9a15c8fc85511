/**
 * The webhook delivery workflow's name, as `STATE_MACHINE_ARNS` keys it (`workflows/deliver-webhook.ts`).
 * On its own, so rendering the workflows pulls in none of the webhooks' crypto and address rules.
 */
export const DELIVERY_WORKFLOW = 'deliver_webhook';
