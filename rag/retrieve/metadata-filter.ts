import type { MetadataFilter, MetadataValue } from '../types.ts';
import { LoreError } from '../errors.ts';

// The lexical side evaluates `where` filters in-process; it must agree with Chroma on every chunk, or a
// chunk hidden from the dense side could reach the context through the lexical one. Chroma's rules:
// values compare by type and value (the string "1" is not the number 1); a field the record lacks never
// satisfies $eq, $in, $gte or $lte, but does satisfy $ne (Chroma 0.5.12 and later).

type Condition = { $eq?: MetadataValue; $ne?: MetadataValue; $in?: MetadataValue[]; $gte?: number; $lte?: number };

const OPERATORS = new Set(['$eq', '$ne', '$in', '$gte', '$lte']);

/** A `where` filter that cannot be evaluated (unknown operator, wrong operand): rejected, never ignored. */
export class InvalidFilterError extends LoreError {
  override readonly code: string = 'invalid_filter';
  override name = 'InvalidFilterError';
}

/** Whether a chunk's metadata passes `filter`. Throws InvalidFilterError for a malformed filter. */
export function matchesFilter(metadata: Readonly<Record<string, MetadataValue>>, filter: MetadataFilter): boolean {
  if ('$and' in filter) return clauses(filter.$and, '$and').every((part) => matchesFilter(metadata, part));
  if ('$or' in filter) return clauses(filter.$or, '$or').some((part) => matchesFilter(metadata, part));
  // Several fields in one object mean all of them (Chroma wants them spelled as $and; toChromaWhere does that).
  return Object.entries(filter).every(([field, condition]) => {
    if (field.startsWith('$')) throw new InvalidFilterError(`unknown filter operator "${field}"`);
    return matchesCondition(Object.hasOwn(metadata, field) ? metadata[field] : undefined, condition as MetadataValue | Condition, field);
  });
}

function clauses(value: unknown, operator: string): MetadataFilter[] {
  if (!Array.isArray(value)) throw new InvalidFilterError(`${operator} takes a list of filters`);
  return value as MetadataFilter[];
}

function matchesCondition(actual: MetadataValue | undefined, condition: MetadataValue | Condition, field: string): boolean {
  if (isScalar(condition)) return actual !== undefined && actual === condition;
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) {
    throw new InvalidFilterError(`filter on "${field}" must be a value or an operator object`);
  }
  const operators = Object.entries(condition);
  if (operators.length === 0) throw new InvalidFilterError(`filter on "${field}" has no operator`);
  return operators.every(([operator, operand]) => {
    if (!OPERATORS.has(operator)) throw new InvalidFilterError(`unknown operator "${operator}" on "${field}"`);
    switch (operator) {
      case '$eq':
        return actual !== undefined && actual === scalar(operand, operator, field);
      case '$ne':
        return actual === undefined || actual !== scalar(operand, operator, field);
      case '$in': {
        if (!Array.isArray(operand) || !operand.every(isScalar)) throw new InvalidFilterError(`$in on "${field}" takes a list of values`);
        return actual !== undefined && operand.includes(actual);
      }
      default: {
        if (typeof operand !== 'number' || !Number.isFinite(operand)) {
          throw new InvalidFilterError(`${operator} on "${field}" takes a number`);
        }
        if (typeof actual !== 'number') return false;
        return operator === '$gte' ? actual >= operand : actual <= operand;
      }
    }
  });
}

function scalar(operand: unknown, operator: string, field: string): MetadataValue {
  if (!isScalar(operand)) throw new InvalidFilterError(`${operator} on "${field}" takes a string, number or boolean`);
  return operand;
}

function isScalar(value: unknown): value is MetadataValue {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
