import type { Channel } from '@cx/events';

/** The names the simulated company uses: channel systems, teams, segments, products. */

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

/** Every channel of SPEC §1.3, with the channel system that reports it (the CloudEvents `source`). */
export const CHANNEL_SOURCES: Record<Channel, string> = {
  phone: '/channels/call-centre',
  email: '/channels/email',
  chat: '/channels/chat',
  web: '/channels/web',
  app: '/channels/app',
  social: '/channels/social',
  store: '/channels/stores',
  letter: '/channels/letters',
  field_service: '/channels/field-service',
  delivery: '/channels/delivery',
  other: '/channels/partners',
};

/** Systems that are not a contact channel. */
export const SYSTEM_SOURCES = {
  billing: '/systems/billing',
  crm: '/systems/crm',
  surveys: '/systems/surveys',
  ticketing: '/systems/ticketing',
} as const;

export const TEAMS = ['frontline', 'customer-care', 'billing', 'technical', 'logistics', 'retention', 'field-ops'] as const;
export type Team = (typeof TEAMS)[number];

export const B2C_SEGMENTS = ['consumer', 'premium', 'student'] as const;
export const B2B_SEGMENTS = ['smb', 'enterprise'] as const;

export const PRODUCT_LINES = ['apparel', 'electronics', 'home', 'subscriptions', 'services'] as const;

export const CONTACT_TOPICS = ['billing', 'delivery', 'product', 'account', 'returns', 'technical', 'pricing'] as const;
export type ContactTopic = (typeof CONTACT_TOPICS)[number];

/** The team a contact about this topic reaches first, and the one it usually belongs with. */
export const TOPIC_TEAMS: Record<ContactTopic, { first: Team; expert: Team }> = {
  billing: { first: 'frontline', expert: 'billing' },
  delivery: { first: 'frontline', expert: 'logistics' },
  product: { first: 'frontline', expert: 'technical' },
  account: { first: 'frontline', expert: 'customer-care' },
  returns: { first: 'customer-care', expert: 'logistics' },
  technical: { first: 'technical', expert: 'field-ops' },
  pricing: { first: 'frontline', expert: 'retention' },
};

export const FIRST_NAMES = [
  'Ada',
  'Ben',
  'Chloe',
  'Dev',
  'Elif',
  'Farid',
  'Greta',
  'Hugo',
  'Ines',
  'Jonas',
  'Kiri',
  'Lena',
  'Mateo',
  'Nora',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sami',
  'Tove',
  'Uma',
  'Viktor',
  'Wen',
  'Yara',
  'Zeno',
] as const;
export const LAST_NAMES = [
  'Andersen',
  'Bianchi',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Garcia',
  'Horvat',
  'Ivanova',
  'Jansen',
  'Kowalski',
  'Larsen',
  'Moreau',
  'Nowak',
  'Okafor',
  'Petrov',
  'Quist',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Usman',
  'Virtanen',
] as const;
export const COMPANY_WORDS = ['Nordic', 'Atlas', 'Blue', 'Harbor', 'Summit', 'Pixel', 'Green', 'Iron', 'Lumen', 'Oak'] as const;
export const COMPANY_KINDS = ['Logistics', 'Foods', 'Studios', 'Systems', 'Retail', 'Clinics', 'Works'] as const;

export const PRAISE = [
  'Quick and friendly.',
  'Sorted on the first call.',
  'Easy to order, fast delivery.',
  'Great help from the agent.',
] as const;
export const MEH = ['It was fine.', 'Took a while but it worked out.', 'Average experience.'] as const;
export const GRIPES = [
  'I had to explain my problem three times.',
  'Nobody called me back.',
  'Passed from team to team.',
  'The parcel arrived damaged.',
  'Still waiting for a refund.',
] as const;
