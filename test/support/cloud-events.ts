let sequence = 0;

/** A valid CloudEvent of CX Ledger for tests; `data` fields and attributes can be overridden. */
export function cloudEvent(type: string, data: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  sequence += 1;
  return {
    specversion: '1.0',
    id: `evt-${Date.now().toString(36)}-${sequence}`,
    source: '/channels/test',
    type,
    time: '2026-03-01T09:30:00Z',
    data,
    ...overrides,
  };
}

export const interaction = (
  customer: Record<string, unknown>,
  overrides: Record<string, unknown> = {},
  data: Record<string, unknown> = {},
) => cloudEvent('cx.interaction.recorded.v1', { customer, channel: 'phone', direction: 'inbound', ...data }, overrides);

export const purchase = (customer: Record<string, unknown>, overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}) =>
  cloudEvent(
    'cx.purchase.completed.v1',
    { customer, orderId: `o-${sequence + 1}`, amountMinor: 1999, currency: 'EUR', channel: 'web', ...data },
    overrides,
  );
