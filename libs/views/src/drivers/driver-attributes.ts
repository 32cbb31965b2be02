import { CHANNELS, type Channel } from '@cx/events';

/**
 * The experience attributes of SPEC §2.5. The fixed ones come in this order (the order of
 * the SPEC, and of the bits and columns that store them); `channel:<name>` follows, one per
 * channel in the catalogue's order.
 */
export const CASE_ATTRIBUTES = [
  'hadCase',
  'hadComplaint',
  'hadHandoff',
  'hadPingPong',
  'hadStalledHandoff',
  'unownedOver4h',
  'firstContactResolution',
  'slowResolution',
] as const;
export type CaseAttribute = (typeof CASE_ATTRIBUTES)[number];

export const FOLLOWED_UP_ALERT = 'followedUpAlert';
export type FollowUpAttribute = typeof FOLLOWED_UP_ALERT;

export const FIXED_ATTRIBUTES = [...CASE_ATTRIBUTES, FOLLOWED_UP_ALERT] as const;
export type FixedAttribute = (typeof FIXED_ATTRIBUTES)[number];

export type ChannelAttribute = `channel:${Channel}`;
export type DriverAttribute = FixedAttribute | ChannelAttribute;

export const channelAttribute = (channel: Channel): ChannelAttribute => `channel:${channel}`;

export const CHANNEL_ATTRIBUTES: readonly ChannelAttribute[] = CHANNELS.map(channelAttribute);

export const DRIVER_ATTRIBUTES: readonly DriverAttribute[] = [...FIXED_ATTRIBUTES, ...CHANNEL_ATTRIBUTES];
