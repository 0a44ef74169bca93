// Shared by every area: verticals, weekdays, cursor pages.
export type Vertical = 'goods' | 'realty' | 'auto' | 'jobs';
export const VERTICALS: readonly Vertical[] = ['goods', 'realty', 'auto', 'jobs'];

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
