// Shapes of the objects returned by the Vitrina HTTP API (see docs/API.md).
// One module per area under ./types/; import from here.

export * from './types/common';
export * from './types/accounts';
export * from './types/listings';
export * from './types/chat';
export * from './types/calls';
export * from './types/transcripts';
export * from './types/moderation';
export * from './types/analytics';
export * from './types/dishonest';
export * from './types/analyst';
