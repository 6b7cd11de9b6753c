import { registerDecorator, ValidateIf, ValidationOptions } from 'class-validator';
import { dutchToday } from '../util/dates';

/**
 * The elfproef for a burgerservicenummer: 9 digits, 9·d1 + 8·d2 + … + 2·d8 − 1·d9 divisible by 11.
 * 000000000 passes the arithmetic but is not a BSN, so it is rejected explicitly.
 */
export function isValidBsn(value: string): boolean {
  if (!/^\d{9}$/.test(value) || value === '000000000') return false;
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += Number(value[i]) * (9 - i);
  sum -= Number(value[8]);
  return sum % 11 === 0;
}

export function IsBsn(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isBsn',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'is not a valid BSN (elfproef)', ...options },
      validator: { validate: (v: unknown) => typeof v === 'string' && isValidBsn(v) },
    });
}

/** A `YYYY-MM-DD` date that is not after today (dates of birth, contact dates, evaluations). */
export function NotInFuture(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'notInFuture',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'must not be in the future', ...options },
      validator: { validate: (v: unknown) => typeof v === 'string' && v <= dutchToday() },
    });
}

/**
 * For update inputs of NOT NULL columns: an absent field means "unchanged", but an explicit
 * null is validated like any value — and so rejected — instead of reaching the database.
 */
export function Optional(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}
