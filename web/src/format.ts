import { ApiError } from './api';
import en from './locales/en.json';
import type { MessageKey, TFunction } from './i18n';

export function formatPrice(price: number, currency: string, locale: string): string {
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: currency || 'RUB',
      currencyDisplay: 'narrowSymbol',
      maximumFractionDigits: 0,
    }).format(price);
  } catch {
    return `${price} ${currency}`;
  }
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** Time only for today, date and time otherwise. */
export function formatWhen(iso: string, locale: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const opts: Intl.DateTimeFormatOptions = sameDay(d, new Date())
    ? { hour: '2-digit', minute: '2-digit' }
    : { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' };
  return new Intl.DateTimeFormat(locale, opts).format(d);
}

export function formatDate(iso: string, locale: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric' }).format(d);
}

export function isMessageKey(k: string): k is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, k);
}

/** A translated, user-facing text for any error thrown by the API layer. */
export function errorText(t: TFunction, err: unknown): string {
  if (err instanceof ApiError) {
    const key = `error.${err.code}`;
    if (isMessageKey(key)) return t(key);
    if (err.status === 404) return t('error.not_found');
    if (err.status === 429) return t('error.rate_limited');
    if (err.status >= 500) return t('error.server');
    if (err.message) return err.message;
  }
  return t('error.generic');
}

/**
 * The server's own `error.message` when it sent one (moderation forms show exactly what the
 * API said, e.g. the id in 409 complaint_exists); the translated text otherwise.
 */
export function apiErrorMessage(t: TFunction, err: unknown): string {
  if (err instanceof ApiError && err.status > 0 && !err.code.startsWith('http_') && err.message) return err.message;
  return errorText(t, err);
}

/** Date with year and time: deadlines, sanction ends. */
export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);
}

/** An amount in minor units (kopecks, cents) of `currency`. */
export function formatMinorUnits(amount: number, currency: string | null | undefined, locale: string): string {
  const cur = currency || 'RUB';
  try {
    const fmt = new Intl.NumberFormat(locale, { style: 'currency', currency: cur, currencyDisplay: 'narrowSymbol' });
    const digits = fmt.resolvedOptions().maximumFractionDigits ?? 2;
    return fmt.format(amount / 10 ** digits);
  } catch {
    return `${amount} ${cur}`;
  }
}
