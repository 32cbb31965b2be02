import type { Channel, CustomerKind } from '@cx/events';
import { B2B_SEGMENTS, B2C_SEGMENTS, COMPANY_KINDS, COMPANY_WORDS, DAY_MS, FIRST_NAMES, LAST_NAMES } from './catalogue';
import type { Random } from './random';

/** How a customer buys over its life. */
export type Archetype = 'prospect' | 'one_time' | 'repeat' | 'loyal';

/**
 * How the channel systems know the customer: `named` carries the CRM id from the start;
 * `anonymous` is only ever an e-mail, phone or shop account; `registers` starts anonymous
 * and later signs up, so an event with the CRM id links (and merges) its identifier.
 */
export type IdentityStyle = 'named' | 'anonymous' | 'registers';

/** Which single identifier an anonymous customer uses everywhere (one, so no person splits in two). */
export type AnonymousIdentifier = 'email' | 'phone' | 'shop';

export interface Churn {
  at: number;
  /** An explicit cancellation (`cx.customer.churned.v1`), or silent inactivity. */
  explicit: boolean;
  /** When the customer comes back, if ever. */
  winBackAt: number | null;
}

export interface Persona {
  index: number;
  crmId: string;
  email: string;
  phone: string;
  shopId: string;
  name: string;
  company: string | null;
  kind: CustomerKind;
  segment: string;
  identity: IdentityStyle;
  anonymousBy: AnonymousIdentifier;
  registersAt: number | null;
  archetype: Archetype;
  /** 0 to 1: how good this customer's experiences tend to be; surveys follow it. */
  experience: number;
  joinAt: number;
  churn: Churn | null;
  currency: string;
  /** Where this customer likes to buy and get in touch. */
  buyChannels: readonly Channel[];
  contactChannels: readonly Channel[];
}

export interface PersonaContext {
  seedTag: string;
  start: number;
  end: number;
}

const ARCHETYPE_WEIGHTS: Record<Archetype, number> = { prospect: 30, one_time: 22, repeat: 33, loyal: 15 };

/** One simulated person, drawn from its own random stream. */
export function drawPersona(index: number, rng: Random, context: PersonaContext): Persona {
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const kind: CustomerKind = rng.chance(0.15) ? 'b2b' : 'b2c';
  const archetype = rng.weighted(ARCHETYPE_WEIGHTS);
  const joinAt = joinTime(rng, context);
  const identity = rng.weighted<IdentityStyle>({ named: 60, anonymous: 22, registers: 18 });
  const span = context.end - joinAt;
  const experience = Math.min(0.97, Math.max(0.15, rng.normal(kind === 'b2b' ? 0.7 : 0.66, 0.17)));
  return {
    index,
    crmId: `C-${context.seedTag}-${String(index).padStart(6, '0')}`,
    email: `${first}.${last}.${index}@mail-${context.seedTag}.example`.toLowerCase(),
    phone: `+4930${String(context.seedTag.length * 7919 + index).padStart(8, '0')}`,
    shopId: `S${context.seedTag}-${index}`,
    name: `${first} ${last}`,
    company: kind === 'b2b' ? `${rng.pick(COMPANY_WORDS)} ${rng.pick(COMPANY_KINDS)}` : null,
    kind,
    segment: kind === 'b2b' ? rng.pick(B2B_SEGMENTS) : rng.pick(B2C_SEGMENTS),
    identity,
    anonymousBy: rng.weighted<AnonymousIdentifier>({ email: 60, phone: 25, shop: 15 }),
    registersAt: identity === 'registers' ? joinAt + rng.between(0.1, 0.7) * span : null,
    archetype,
    experience,
    joinAt,
    churn: drawChurn(rng, archetype, experience, joinAt, context.end),
    currency: rng.weighted({ EUR: 80, GBP: 12, USD: 8 }),
    buyChannels: kind === 'b2b' ? ['web', 'phone', 'email', 'other'] : rng.pick(BUYER_HABITS),
    contactChannels: rng.pick(CONTACT_HABITS),
  };
}

const BUYER_HABITS: ReadonlyArray<readonly Channel[]> = [
  ['web', 'web', 'app', 'store'],
  ['app', 'app', 'web'],
  ['store', 'store', 'web', 'phone'],
  ['web', 'social', 'app'],
];
const CONTACT_HABITS: ReadonlyArray<readonly Channel[]> = [
  ['phone', 'phone', 'email'],
  ['chat', 'chat', 'email', 'phone'],
  ['email', 'email', 'letter'],
  ['social', 'chat', 'phone'],
  ['store', 'phone', 'email'],
];

/** A third of the customers are there from the start; the rest arrive through the period. */
function joinTime(rng: Random, { start, end }: PersonaContext): number {
  if (rng.chance(0.33)) return start + rng.between(0, Math.min(3 * DAY_MS, end - start));
  return start + rng.next() * 0.95 * (end - start);
}

/** Churn comes more to customers who buy less and fare worse; a third of those who leave come back. */
function drawChurn(rng: Random, archetype: Archetype, experience: number, joinAt: number, end: number): Churn | null {
  const base = { prospect: 0, one_time: 0.3, repeat: 0.25, loyal: 0.1 }[archetype];
  if (!rng.chance(base * (1.6 - experience))) return null;
  const at = joinAt + rng.between(40, 300) * DAY_MS;
  if (at >= end) return null;
  const explicit = rng.chance(0.55);
  const winBackAt = rng.chance(0.35) ? at + rng.between(explicit ? 30 : 190, explicit ? 150 : 260) * DAY_MS : null;
  return { at, explicit, winBackAt };
}
