import { alertId, alertIdText, followUpMinutes } from './alert';
import { alertAsOf, alertStatusAt } from './alert-status';

const RAISED = Date.UTC(2026, 2, 1, 9, 30);
const HOUR = 3_600_000;
const SLA = 48 * HOUR;

describe('alert ids', () => {
  it('hash `signal|subject|raisedAt` with raisedAt in RFC 3339 UTC with milliseconds', () => {
    expect(alertIdText('detractor', 'c-1', RAISED)).toBe('detractor|c-1|2026-03-01T09:30:00.000Z');
    // printf 'detractor|c-1|2026-03-01T09:30:00.000Z' | sha256sum, first 32 hex digits.
    expect(alertId('detractor', 'c-1', RAISED)).toBe('dae7282a00cfa7cb95f5458eaf66b5af');
  });

  it('differ by signal, subject and millisecond', () => {
    const ids = new Set([
      alertId('detractor', 'c-1', RAISED),
      alertId('at_risk', 'c-1', RAISED),
      alertId('detractor', 'c-2', RAISED),
      alertId('detractor', 'c-1', RAISED + 1),
    ]);
    expect(ids.size).toBe(4);
  });
});

describe('alert status and follow-up minutes', () => {
  const open = { raisedAt: RAISED, followUp: null };
  const followed = { raisedAt: RAISED, followUp: { at: RAISED + 90 * 60_000 + 3_000, position: 9, team: 'support' } };

  it('is nothing before it is raised, open up to the SLA, overdue one millisecond after', () => {
    expect(alertStatusAt(open, RAISED - 1, SLA)).toBeNull();
    expect(alertStatusAt(open, RAISED, SLA)).toBe('open');
    expect(alertStatusAt(open, RAISED + SLA, SLA)).toBe('open');
    expect(alertStatusAt(open, RAISED + SLA + 1, SLA)).toBe('overdue');
  });

  it('is followed_up from the follow-up on, also when that came late', () => {
    expect(alertStatusAt(followed, followed.followUp.at - 1, SLA)).toBe('open');
    expect(alertStatusAt(followed, followed.followUp.at, SLA)).toBe('followed_up');
    const late = { raisedAt: RAISED, followUp: { at: RAISED + SLA + 5, position: 9, team: null } };
    expect(alertStatusAt(late, RAISED + SLA + 1, SLA)).toBe('overdue');
    expect(alertStatusAt(late, RAISED + SLA + 5, SLA)).toBe('followed_up');
  });

  it('counts follow-up minutes to 1 decimal, and hides a follow-up after asOf', () => {
    expect(followUpMinutes(followed)).toBe(90.1);
    expect(followUpMinutes(open)).toBeNull();
    expect(alertAsOf(followed, followed.followUp.at - 1).followUp).toBeNull();
    expect(alertAsOf(followed, followed.followUp.at)).toBe(followed);
  });
});
