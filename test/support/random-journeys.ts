/** A seeded, varied stream of valid CloudEvents for tests that need volume, not hand-checked numbers. */
export function randomJourneys(count: number, seed: number, customers = 300): Array<Record<string, unknown>> {
  let state = seed >>> 0 || 1;
  const next = () => (state = (state * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32;
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  const teams = ['billing', 'support', 'tech', 'sales', 'returns'];
  const start = Date.UTC(2025, 0, 1);
  return Array.from({ length: count }, (_, i) => {
    const n = Math.floor(next() * customers);
    // Some customers first appear by e-mail only, and later with their id: merges.
    const customer =
      n % 7 === 0 && next() < 0.5
        ? { email: `c${n}@example.com` }
        : { id: `c${n}`, ...(n % 7 === 0 ? { email: `c${n}@example.com` } : {}) };
    const time = new Date(start + Math.floor(next() * 500 * 86_400_000)).toISOString();
    const caseId = `case-${n}-${Math.floor(next() * 3)}`;
    const base = { specversion: '1.0', id: `rj-${seed}-${i}`, source: '/channels/random', time };
    const kind = Math.floor(next() * 10);
    if (kind < 3)
      return {
        ...base,
        type: 'cx.interaction.recorded.v1',
        data: { customer, channel: pick(['phone', 'email', 'chat', 'web']), direction: 'inbound', team: pick(teams) },
      };
    if (kind < 5)
      return {
        ...base,
        type: 'cx.purchase.completed.v1',
        data: {
          customer,
          orderId: `o-${seed}-${i}`,
          amountMinor: Math.floor(next() * 10_000),
          currency: pick(['EUR', 'USD']),
          channel: pick(['web', 'store', 'app']),
        },
      };
    if (kind < 6)
      return {
        ...base,
        type: 'cx.survey.answered.v1',
        data: { customer, survey: 'nps', score: Math.floor(next() * 11), channel: 'email', team: pick(teams) },
      };
    if (kind < 7)
      return {
        ...base,
        type: 'cx.case.opened.v1',
        data: { customer, caseId, category: pick(['complaint', 'inquiry']), channel: 'phone', team: pick(teams) },
      };
    if (kind < 8)
      return { ...base, type: 'cx.case.handoff.requested.v1', data: { customer, caseId, fromTeam: pick(teams), toTeam: pick(teams) } };
    if (kind < 9) return { ...base, type: 'cx.case.handoff.accepted.v1', data: { customer, caseId, team: pick(teams) } };
    return {
      ...base,
      type: pick(['cx.case.resolved.v1', 'cx.customer.referred.v1', 'cx.customer.churned.v1']),
      data: { customer, caseId },
    };
  });
}
