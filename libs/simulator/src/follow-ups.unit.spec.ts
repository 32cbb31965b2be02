import type { CloudEvent } from '@cx/events';
import { simulate } from './simulate';

const START = Date.parse('2025-01-01T00:00:00Z');
const HOUR = 3_600_000;
const events = [...simulate({ customers: 300, days: 365, seed: 11, start: START, duplicateShare: 0, lateShare: 0 })];
const personOf = (e: CloudEvent) => e.id.split('-')[2];
const data = (e: CloudEvent) => e.data as Record<string, any>;
const isDetractor = (e: CloudEvent) =>
  e.type === 'cx.survey.answered.v1' && (data(e).survey === 'nps' ? data(e).score <= 6 : data(e).score <= 2);
const isFollowUp = (e: CloudEvent) => e.type === 'cx.interaction.recorded.v1' && data(e).topic === 'follow_up';

describe('simulated follow-ups of detractors', () => {
  it('an agent calls or writes back a share of detractors, mostly within the day, some days late', () => {
    const detractors = events.filter(isDetractor);
    const followUps = events.filter(isFollowUp);
    expect(detractors.length).toBeGreaterThan(100);
    const share = followUps.length / detractors.length;
    expect(share).toBeGreaterThan(0.45);
    expect(share).toBeLessThan(0.75);
    // Each follow-up is outbound, by retention or customer care, after a detractor answer of the same person.
    const delays = followUps.map((f) => {
      expect(data(f)).toMatchObject({ direction: 'outbound' });
      expect(['retention', 'customer-care']).toContain(data(f).team);
      const answeredBefore = detractors.filter((d) => personOf(d) === personOf(f) && Date.parse(d.time) < Date.parse(f.time));
      expect(answeredBefore.length).toBeGreaterThan(0);
      return Date.parse(f.time) - Math.max(...answeredBefore.map((d) => Date.parse(d.time)));
    });
    const withinSla = delays.filter((ms) => ms <= 48 * HOUR).length / delays.length;
    expect(withinSla).toBeGreaterThan(0.6);
    expect(withinSla).toBeLessThan(0.9);
  });
});
